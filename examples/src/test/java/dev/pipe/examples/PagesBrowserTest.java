package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The standalone server's pages in a real headless browser (Debian's {@code chromium}, driven by
 * {@code chromium-driver}; {@code .ci/run} installs both), against the real {@code curl} on the other end of each
 * pipe: a file sent from {@code /}, text received in {@code /}, a file and a text sent from {@code /noscript}'s forms,
 * a browser that leaves mid-upload, and the replay watched in {@code /watch} as one of three receivers. Screenshots of the pages go to
 * {@code target/screenshots/}.
 */
@Timeout(180)
class PagesBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path INCIDENT_LOG = Path.of("replay/incident-2026-05-04.log");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Server server;
    private static String base;
    private static String pipes;

    private WebDriver browser;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server = Main.start(ServerOptions.parse(new String[] {"--port", "0"}, Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        Matcher matcher = Pattern.compile("pipe serving (http://127\\.0\\.0\\.1:\\d+)(/api/v1/pipe)/")
                .matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(matcher.find(), out.toString(StandardCharsets.UTF_8));
        base = matcher.group(1);
        pipes = base + matcher.group(2);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop();
        if (tokenServer != null) {
            tokenServer.stop();
        }
    }

    private static final String SEND_TOKEN = "4c1f0e9b2d7a4e3f8b6c5d4e3f2a1b0c";
    private static final String RECEIVE_TOKEN = "9a8b7c6d5e4f40312a1b2c3d4e5f6071";
    private static Server tokenServer;
    private static String tokenBase;

    /** A second server, with a token file: sending to and receiving from {@code team/...} each need their token. */
    private static synchronized String tokenServer(Path dir) throws Exception {
        if (tokenServer == null) {
            Path tokens = Files.writeString(dir.resolve("tokens.txt"), SEND_TOKEN + " send team\n" + RECEIVE_TOKEN
                    + " receive team\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            tokenServer = Main.start(ServerOptions.parse(new String[] {"--port", "0", "--token-file",
                    tokens.toString()}, Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8));
            Matcher matcher = Pattern.compile("pipe serving (http://127\\.0\\.0\\.1:\\d+)/api/v1/pipe/")
                    .matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(matcher.find(), out.toString(StandardCharsets.UTF_8));
            tokenBase = matcher.group(1);
        }
        return tokenBase;
    }

    @BeforeEach
    void startBrowser(@TempDir Path profile, TestInfo test) {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
                        + " (.ci/run installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        if (test.getTags().contains("upload-held")) {
            // the driver must not wait for a page that loads only once an upload the test holds back has finished
            options.setPageLoadStrategy(PageLoadStrategy.NONE);
        }
        // no background traffic: this machine reaches no other host
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--ignore-certificate-errors", "--no-first-run", "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync", "--window-size=1100,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowserAndClients() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        if (browser != null) {
            browser.quit();
        }
    }

    /** A file chosen in the page reaches a curl receiver byte for byte, with its name. */
    @Test
    void fileSentFromThePageReachesACurlReceiver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("incident notes.bin");
        byte[] bytes = new byte[300_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 9));
        }
        Files.write(file, bytes);
        Path received = dir.resolve("received.bin");
        Path headers = dir.resolve("headers.txt");
        Process curl = start("curl", "-sS", "-D", headers.toString(), "-o", received.toString(),
                pipes + "/page-file");

        browser.get(base + "/");
        browser.findElement(By.id("mode_file")).click();
        browser.findElement(By.id("file_input")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("send_path")).sendKeys("page-file");
        browser.findElement(By.id("send_button")).click();
        awaitText("send_status", "Sent");
        String log = text("send_log");
        assertTrue(log.contains("[INFO] Sent successfully!") && log.contains("[INFO] Done: "), log);

        assertExit(curl);
        assertArrayEquals(bytes, Files.readAllBytes(received));
        String head = Files.readString(headers, StandardCharsets.ISO_8859_1);
        assertTrue(head.contains("filename=\"incident notes.bin\""), head);
        screenshot("index");
    }

    /**
     * A send that does not reach every receiver is marked failed with the server's [ERROR] line: of two curl
     * receivers, one reads slowly and is stopped mid-transfer; the other gets every byte, and the page says how many
     * did (the sender's response is cut off after that line, which XMLHttpRequest reports as an error).
     */
    @Test
    void aSendThatDoesNotReachEveryReceiverIsMarkedFailed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.bin");
        byte[] bytes = new byte[16 * 1024 * 1024];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 9));
        }
        Files.write(file, bytes);
        Path whole = dir.resolve("whole.bin");
        Path part = dir.resolve("part.bin");
        Process stays = start("curl", "-sS", "-o", whole.toString(), pipes + "/page-partial?n=2");
        Process leaves = start("curl", "-sS", "--limit-rate", "10k", "-o", part.toString(), pipes + "/page-partial?n=2");

        browser.get(base + "/");
        browser.findElement(By.id("mode_file")).click();
        browser.findElement(By.id("file_input")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("send_path")).sendKeys("page-partial");
        browser.findElement(By.id("send_n")).clear();
        browser.findElement(By.id("send_n")).sendKeys("2");
        browser.findElement(By.id("send_button")).click();
        new WebDriverWait(browser, WAIT).until(d -> Files.exists(part) && sizeOf(part) > 0);
        leaves.destroy();

        awaitTextStarting("send_status", "Failed: [ERROR] 1 of 2 receivers got every byte; 1 left at ");
        assertExit(stays);
        assertArrayEquals(bytes, Files.readAllBytes(whole), "the receiver that stayed gets every byte");
        screenshot("index-failed");
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    /** Text a curl sender streams shows up in the page's receive box, and the page says it ended cleanly. */
    @Test
    void pageReceivesTextFromACurlSender(@TempDir Path dir) throws Exception {
        String text = "07:23:16 ERR  500 stripe timeout\n07:23:17 WARN retry 1/3\nhéllo ✓\n";
        Path file = dir.resolve("lines.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);

        browser.get(base + "/");
        browser.findElement(By.id("receive_path")).sendKeys("page-receive");
        browser.findElement(By.id("receive_button")).click();
        awaitText("receive_status", "Waiting for the sender...");
        Process curl = start("curl", "-sS", "-T", file.toString(), pipes + "/page-receive");
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        awaitText("receive_status", "Received " + length + " bytes");
        assertEquals(text, text("receive_output"));
        assertExit(curl);
    }

    /** The no-script page's form (multipart/form-data, no JavaScript) sends a file to a curl receiver. */
    @Test
    void noscriptFormSendsAFileToACurlReceiver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("form.log");
        Files.copy(INCIDENT_LOG, file);
        Path received = dir.resolve("received.log");
        Process curl = start("curl", "-sS", "-o", received.toString(), pipes + "/noscript-file");

        browser.get(base + "/noscript");
        browser.findElement(By.id("path")).sendKeys("noscript-file");
        browser.findElement(By.id("path")).submit();
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(By.id("input_file")).isEmpty());
        screenshot("noscript");
        browser.findElement(By.id("input_file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("send_file")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.getPageSource().contains("All receiver(s) was/were received"));

        assertExit(curl);
        assertArrayEquals(Files.readAllBytes(INCIDENT_LOG), Files.readAllBytes(received));

        // and text, from the same page's text form
        String text = "07:23:16 ERR  500 stripe timeout — from a phone\n";
        Path receivedText = dir.resolve("received.txt");
        Process textReceiver = start("curl", "-sS", "-o", receivedText.toString(), pipes + "/noscript-text");
        browser.get(base + "/noscript?path=noscript-text&n=1");
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(By.id("input_text")).isEmpty());
        browser.findElement(By.id("input_text")).sendKeys(text);
        browser.findElement(By.id("send_text")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.getPageSource().contains("All receiver(s) was/were received"));
        assertExit(textReceiver);
        // a textarea's line ends travel as CRLF (HTML's form encoding)
        assertEquals(text.replace("\n", "\r\n"), Files.readString(receivedText, StandardCharsets.UTF_8));
    }

    /**
     * A browser that goes away in the middle of a form upload (the reference has crashed on this): the receiver
     * sees a cut-off stream, not a clean end, and the server goes on serving pipes.
     */
    @Test
    @Tag("upload-held")
    void browserThatLeavesMidUploadCutsTheReceiverOffAndTheServerCarriesOn(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.bin");
        byte[] block = new byte[1024 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 7 + (i >>> 11));
        }
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 64; i++) {
                out.write(block);
            }
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<InputStream>> receiving = client.sendAsync(
                HttpRequest.newBuilder(URI.create(pipes + "/tab-closed")).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        browser.get(base + "/noscript?path=tab-closed&n=1");
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(By.id("send_file")).isEmpty());
        browser.findElement(By.id("input_file")).sendKeys(big.toAbsolutePath().toString());
        browser.findElement(By.id("send_file")).click(); // returns at once: no waiting for the page (see @Tag)
        HttpResponse<InputStream> response = receiving.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        try (InputStream in = response.body()) {
            assertEquals(1024 * 1024, in.readNBytes(1024 * 1024).length, "the upload is under way");
            browser.quit(); // the tab, the browser, its connection: gone mid-upload
            browser = null;
            IOException cut = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> in.transferTo(OutputStream.nullOutputStream()), "a cut-off stream, not a clean end");
            assertTrue(cut.getMessage() != null, cut.toString());
        }
        // the server carries on with the next transfer
        CompletableFuture<HttpResponse<String>> next = client.sendAsync(
                HttpRequest.newBuilder(URI.create(pipes + "/next")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> sent = client.send(HttpRequest.newBuilder(URI.create(pipes + "/next"))
                .PUT(HttpRequest.BodyPublishers.ofString("still here\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, sent.statusCode(), sent.body());
        assertEquals("still here\n", next.get(WAIT.toSeconds(), TimeUnit.SECONDS).body());
    }

    /**
     * The replay story: two curl receivers and the watch page are the three receivers of {@code replay?n=3}; a
     * rate-limited sender replays the incident log, and the page shows the same lines the terminals got.
     */
    @Test
    void watchViewIsOneOfThreeReceiversAndSeesTheSameLines(@TempDir Path dir) throws Exception {
        List<Path> terminals = List.of(dir.resolve("engineer-1.log"), dir.resolve("engineer-2.log"));
        List<Process> receivers = new ArrayList<>();
        for (Path terminal : terminals) {
            receivers.add(start("curl", "-sS", "-o", terminal.toString(), pipes + "/replay?n=3"));
        }
        browser.get(base + "/watch?path=replay&n=3");
        awaitText("watch_state", "waiting");
        Process sender = start("bash", "-c", "pv -q -L 100k \"$0\" | curl -sS -T - \"$1\"",
                INCIDENT_LOG.toAbsolutePath().toString(), pipes + "/replay?n=3");
        new WebDriverWait(browser, WAIT).until(d -> !text("watch_state").equals("waiting"));
        awaitText("watch_state", "ended");

        String log = Files.readString(INCIDENT_LOG, StandardCharsets.UTF_8);
        List<String> expected = log.lines().toList();
        @SuppressWarnings("unchecked")
        List<String> shown = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.getElementById('watch_output').children).map(e => e.textContent);");
        assertEquals(expected, shown, "the page's lines");
        assertEquals(String.valueOf(expected.size()), text("watch_lines"));
        assertEquals(String.valueOf(log.getBytes(StandardCharsets.UTF_8).length), text("watch_bytes"));
        assertTrue(text("watch_elapsed").matches("\\d+:\\d\\d"), text("watch_elapsed"));
        screenshot("watch");

        assertExit(sender);
        for (int i = 0; i < receivers.size(); i++) {
            assertExit(receivers.get(i));
            assertEquals(log, Files.readString(terminals.get(i), StandardCharsets.UTF_8), "terminal " + (i + 1));
        }
    }

    // ---------------------------------------------------------------- a server with a token file

    /**
     * With a token file the pages are served without a token; the page sends with the token typed into it, and
     * without one it says the server wants a token (401).
     */
    @Test
    void thePageSendsWithItsTokenAndSaysWhenOneIsWanted(@TempDir Path dir) throws Exception {
        String base = tokenServer(dir);
        Path received = dir.resolve("received.txt");
        Process curl = start("curl", "-sS", "-H", "Authorization: Bearer " + RECEIVE_TOKEN, "-o", received.toString(),
                base + "/api/v1/pipe/team/notes");

        browser.get(base + "/");
        browser.findElement(By.id("mode_text")).click();
        browser.findElement(By.id("text_input")).sendKeys("07:23:14 the primary fell behind\n");
        browser.findElement(By.id("send_path")).sendKeys("team/notes");
        browser.findElement(By.id("send_button")).click();
        awaitTextStarting("send_status", "Failed: HTTP 401: [ERROR] This server wants a token");

        browser.findElement(By.id("token_input")).sendKeys(SEND_TOKEN);
        browser.findElement(By.id("send_button")).click();
        awaitText("send_status", "Sent");
        assertExit(curl);
        assertEquals("07:23:14 the primary fell behind\n", Files.readString(received, StandardCharsets.UTF_8));
        assertTrue(browser.findElement(By.id("receive_link")).findElement(By.xpath("..")).getAttribute("hidden")
                != null, "no direct link with a token: a link cannot carry it");
    }

    /**
     * Without script, the form carries the token in a field before the file: a wrong one is refused with the
     * server's line, the right one sends the file.
     */
    @Test
    void theNoscriptFormSendsItsTokenInTheForm(@TempDir Path dir) throws Exception {
        String base = tokenServer(dir);
        Path file = Files.writeString(dir.resolve("cascade.log"), "07:23:14 WARN lag\n07:23:15 ERR  502\n");
        Path received = dir.resolve("received.log");
        Process curl = start("curl", "-sS", "-H", "Authorization: Bearer " + RECEIVE_TOKEN, "-o", received.toString(),
                base + "/api/v1/pipe/team/form");

        browser.get(base + "/noscript?path=team/form&n=1");
        browser.findElement(By.id("file_token")).sendKeys(RECEIVE_TOKEN);
        browser.findElement(By.id("input_file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("send_file")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.getPageSource().contains("Your token may not send to this pipe."));

        browser.get(base + "/noscript?path=team/form&n=1");
        browser.findElement(By.id("file_token")).sendKeys(SEND_TOKEN);
        browser.findElement(By.id("input_file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("send_file")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.getPageSource().contains("All receiver(s) was/were received"));
        assertExit(curl);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(received));
    }

    /**
     * {@code /status} renders, and its figures move while a transfer paced at 20 KB/s runs: a pipe streaming, bytes
     * delivered going up at the 5 s ticks, then one more completed transfer.
     */
    @Test
    void theStatusPageShowsATransferWhileItRuns(@TempDir Path dir) throws Exception {
        byte[] log = new byte[300_000];
        java.util.Arrays.fill(log, (byte) 'x');
        Path file = Files.write(dir.resolve("slow.log"), log);
        browser.get(base + "/status");
        awaitText("status_state", "live");
        long completedBefore = Long.parseLong(text("t_completed"));

        Process receiver = start("curl", "-sS", "-o", dir.resolve("received.log").toString(), pipes + "/status-demo");
        Process sender = start("bash", "-c", "pv -q -L 20k " + file + " | curl -sS -T - " + pipes + "/status-demo");
        new WebDriverWait(browser, WAIT).until(d -> text("streaming_pipes").equals("1"));
        String deliveredAtStart = text("bytes_delivered");
        new WebDriverWait(browser, WAIT).until(d -> {
            String streaming = text("streaming_pipes");
            String delivered = text("bytes_delivered");
            assertEquals("1", streaming, "the figures moved while the pipe was still streaming");
            return !delivered.equals(deliveredAtStart);
        });
        assertExit(sender);
        assertExit(receiver);
        new WebDriverWait(browser, WAIT).until(d -> Long.parseLong(text("t_completed")) == completedBefore + 1);
        assertEquals("0", text("streaming_pipes"));
        new WebDriverWait(browser, WAIT).until(d -> !text("chart_peak").equals("1 B/s")); // the chart has the transfer
        screenshot("status");
    }

    /** The watch link carries the token in its fragment, which the browser never sends; the page sends it itself. */
    @Test
    void aWatchLinkWithTheTokenInItsFragmentJustWorks(@TempDir Path dir) throws Exception {
        String base = tokenServer(dir);
        browser.get(base + "/watch?path=team/replay&n=1#token=" + RECEIVE_TOKEN);
        awaitText("watch_state", "waiting");
        Path log = Files.writeString(dir.resolve("incident.log"), "07:23:14 WARN lag\n07:23:15 ERR  502\n");
        Process sender = start("curl", "-sS", "-H", "Authorization: Bearer " + SEND_TOKEN, "-T", log.toString(),
                base + "/api/v1/pipe/team/replay?n=1");
        awaitText("watch_state", "ended");
        assertEquals("2", text("watch_lines"));
        assertExit(sender);
    }

    /**
     * Over HTTPS the page and its upload go over HTTP/2, chosen by ALPN: a file sent from {@code /} reaches a curl
     * receiver byte for byte.
     */
    @Test
    void overHttpsThePageSendsAFileOverHttp2(@TempDir Path dir) throws Exception {
        Path keystore = TestCertificates.keystore(dir, "localhost");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Server tls = Main.start(ServerOptions.parse(new String[] {"--port", "0", "--tls-keystore", keystore.toString()},
                Map.of("PIPE_TLS_PASSWORD", TestCertificates.PASSWORD)), new PrintStream(out, true,
                StandardCharsets.UTF_8));
        try {
            Matcher matcher = Pattern.compile("pipe serving https://127\\.0\\.0\\.1:(\\d+)/api/v1/pipe/")
                    .matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(matcher.find(), out.toString(StandardCharsets.UTF_8));
            String secure = "https://localhost:" + matcher.group(1);
            Path file = dir.resolve("notes.bin");
            byte[] bytes = new byte[200_000];
            new java.util.Random(5).nextBytes(bytes);
            Files.write(file, bytes);
            Path received = dir.resolve("received.bin");
            Process curl = start("curl", "-sS", "-k", "--http2", "-o", received.toString(),
                    secure + "/api/v1/pipe/over-h2");

            browser.get(secure + "/");
            assertEquals("h2", ((JavascriptExecutor) browser).executeScript(
                    "return performance.getEntriesByType('navigation')[0].nextHopProtocol;"), "the page came over h2");
            browser.findElement(By.id("mode_file")).click();
            browser.findElement(By.id("file_input")).sendKeys(file.toAbsolutePath().toString());
            browser.findElement(By.id("send_path")).sendKeys("over-h2");
            browser.findElement(By.id("send_button")).click();
            awaitText("send_status", "Sent");
            assertEquals("h2", ((JavascriptExecutor) browser).executeScript("return performance"
                    + ".getEntriesByType('resource').filter(e => e.name.indexOf('/over-h2') >= 0)[0].nextHopProtocol;"),
                    "the upload went over h2");
            assertExit(curl);
            assertArrayEquals(bytes, Files.readAllBytes(received));
        } finally {
            Stops.stopNow(tls); // its HTTP/2 curl has just hung up
        }
    }

    // ---------------------------------------------------------------- hostile payloads

    /**
     * A sender's HTML, opened by a receiver in the browser on the server's own origin, runs no script: it arrives as
     * {@code text/plain} and shows as text (PROTOCOL.md section 7).
     */
    @Test
    void anHtmlPayloadOpensAsTextAndRunsNoScript(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("evil.html");
        Files.writeString(html, "<html><head><title>innocent</title></head><body>"
                + "<script>document.title = 'pwned'; document.body.setAttribute('data-pwned', '1');</script>"
                + "<p>hello</p></body></html>\n");
        Process sender = start("curl", "-sS", "-T", html.toString(), "-H", "Content-Type: text/html; charset=utf-8",
                pipes + "/hostile-html");
        browser.get(pipes + "/hostile-html");
        String shown = browser.findElement(By.tagName("body")).getText();
        assertTrue(shown.contains("<script>document.title = 'pwned'"), "the page shows the HTML as text: " + shown);
        assertTrue(!"pwned".equals(browser.getTitle()) && !"innocent".equals(browser.getTitle()),
                "the HTML was not rendered: title '" + browser.getTitle() + "'");
        assertTrue(browser.findElements(By.cssSelector("[data-pwned]")).isEmpty(), "no script ran");
        assertExit(sender);
    }

    /**
     * An SVG renders as an image but its script does not run: receivers get {@code Content-Security-Policy: sandbox}
     * and {@code nosniff}.
     */
    @Test
    void anSvgPayloadRendersButRunsNoScript(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("evil.svg");
        Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\">"
                + "<title>safe</title><rect width=\"100\" height=\"100\" fill=\"teal\"/>"
                + "<script>document.title = 'pwned'; document.documentElement.setAttribute('data-pwned', '1');"
                + "</script></svg>\n");
        Process sender = start("curl", "-sS", "-T", svg.toString(), "-H", "Content-Type: image/svg+xml",
                pipes + "/hostile-svg");
        browser.get(pipes + "/hostile-svg");
        assertEquals("safe", browser.getTitle(), "the SVG was rendered as SVG, and its script did not rename it");
        assertTrue(browser.findElements(By.cssSelector("[data-pwned]")).isEmpty(), "no script ran");
        assertTrue(!browser.findElements(By.tagName("rect")).isEmpty(), "the SVG's shapes are there");
        assertExit(sender);
    }

    // ---------------------------------------------------------------- helpers

    private Process start(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(process);
        return process;
    }

    private static void assertExit(Process process) throws InterruptedException {
        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "still running: " + process.info());
        assertEquals(0, process.exitValue(), "exit status of " + process.info().commandLine().orElse("?"));
    }

    /** The text of an element as the DOM holds it (not as laid out). */
    private String text(String id) {
        Object text = ((JavascriptExecutor) browser).executeScript(
                "var e = document.getElementById(arguments[0]); return e ? e.textContent : null;", id);
        return text == null ? "" : text.toString();
    }

    private void awaitText(String id, String expected) {
        try {
            new WebDriverWait(browser, WAIT).until(d -> text(id).equals(expected));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("#" + id + " never said '" + expected + "'; it says '" + text(id) + "'", e);
        }
    }

    private void awaitTextStarting(String id, String prefix) {
        try {
            new WebDriverWait(browser, WAIT).until(d -> text(id).startsWith(prefix));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("#" + id + " never began with '" + prefix + "'; it says '" + text(id) + "'", e);
        }
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
