package dev.pipe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The standalone server's pages over real sockets (PROTOCOL.md section 9), with pipes at the root as in the
 * reference: what each page answers, and that the pages are reserved paths.
 */
@Timeout(60)
class PagesTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static Server server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server = Main.start(ServerOptions.parse(new String[] {"--port", "0", "--path-prefix", "/"}, Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        Matcher matcher = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)/ ").matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(matcher.find(), out.toString(StandardCharsets.UTF_8));
        base = matcher.group(1);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @Test
    void indexSendsReceivesAndTellsTheReplayStoryWithThisServersUrl() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertEquals("text/html", index.headers().firstValue("Content-Type").orElseThrow(), "as the reference's");
        String page = index.body();
        assertTrue(page.contains("<meta charset=\"utf-8\">"), "the page says its charset itself");
        assertTrue(page.contains("Piping"), "it says what it speaks");
        for (String id : List.of("send_button", "file_input", "text_input", "send_progress", "receive_button",
                "watch_button")) {
            assertTrue(page.contains("id=\"" + id + "\""), id);
        }
        assertTrue(page.contains("curl \"" + base + "/replay?n=8\""), "the receivers' line");
        assertTrue(page.contains("pv -L 50k | curl -T - \"" + base + "/replay?n=8\""), "the sender's line");
        assertTrue(page.contains("/watch?path=replay&amp;n=8"), "the watch view");
        assertEquals("no-referrer", index.headers().firstValue("Referrer-Policy").orElseThrow());
    }

    /** No script at all, style by a fresh nonce only, and forms that post to the pipe the user named. */
    @Test
    void noscriptHasFormsOnlyUnderAStrictPolicy() throws Exception {
        HttpResponse<String> first = get("/noscript?path=team/a%20b&n=3");
        HttpResponse<String> second = get("/noscript?path=team/a%20b&n=3");
        assertEquals(200, first.statusCode());
        String csp = first.headers().firstValue("Content-Security-Policy").orElseThrow();
        Matcher nonce = Pattern.compile("^default-src 'none'; style-src 'nonce-([A-Za-z0-9+/=]{24})'; form-action 'self'$")
                .matcher(csp);
        assertTrue(nonce.find(), csp);
        assertFalse(csp.equals(second.headers().firstValue("Content-Security-Policy").orElseThrow()), "a nonce each");
        String page = first.body();
        assertTrue(page.contains("<style nonce=\"" + nonce.group(1) + "\">"), "the one style element has the nonce");
        assertFalse(page.toLowerCase().contains("<script"), "no script");
        assertFalse(page.contains("style=\""), "no inline style attribute: the policy would block it");
        assertTrue(page.contains("action=\"team/a%20b?n=3\""), "the form posts to the pipe, relative to the page");
        assertTrue(page.contains("enctype=\"multipart/form-data\""));
        assertTrue(page.contains("value=\"team/a b\""), "the path as typed");
        assertTrue(page.contains("name=\"input_file\"") && page.contains("name=\"input_text\""));
        assertTrue(page.contains("id=\"receive_link\" class=\"button\" href=\"/team/a%20b?n=3\""), page);

        String empty = get("/noscript").body();
        assertFalse(empty.contains("input_file"), "no send form before a path is chosen");
        String hostile = get("/noscript?path=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").body();
        assertFalse(hostile.contains("<script>"), "the path is escaped");
    }

    /** As the reference writes it: relative to the page, with no {@code ?n=} for one receiver. */
    @Test
    void noscriptFormPostsToThePathAsTheReferenceWritesIt() throws Exception {
        assertTrue(get("/noscript?path=mypath").body().contains("action=\"mypath\""));
        assertEquals("api/v1/pipe/mypath", Pages.formAction("/api/v1/pipe", "mypath", "1"),
                "under a prefix, the prefix comes first, still relative to the page at the root");
    }

    /** A browser sends a form's fields in document order: each form's token field comes before what it sends. */
    @Test
    void noscriptFormsPutTheirTokenFieldBeforeWhatTheySend() throws Exception {
        String page = get("/noscript?path=mypath").body();
        int fileToken = page.indexOf("name=\"pipe_token\" id=\"file_token\"");
        int textToken = page.indexOf("name=\"pipe_token\" id=\"text_token\"");
        assertTrue(fileToken > 0 && fileToken < page.indexOf("name=\"input_file\""), page);
        assertTrue(textToken > page.indexOf("name=\"input_file\"") && textToken < page.indexOf("name=\"input_text\""),
                page);
    }

    /**
     * Every page is ASCII (entities for the rest), so that its Content-Length is its length in characters, as a
     * client written for the reference counts it, and it carries its own charset.
     */
    @Test
    void pagesAreAsciiWithTheirOwnCharset() throws Exception {
        for (String page : List.of("/", "/noscript", "/noscript?path=a&n=2", "/watch?path=replay&n=8")) {
            HttpResponse<String> response = get(page);
            String body = response.body();
            assertTrue(body.chars().allMatch(c -> c < 128), page + " holds a character that is not ASCII");
            assertEquals(String.valueOf(body.length()), response.headers().firstValue("Content-Length").orElseThrow(),
                    page);
            assertEquals("text/html", response.headers().firstValue("Content-Type").orElseThrow(), page);
            assertTrue(body.toLowerCase().contains("<meta charset=\"utf-8\">"), page);
        }
    }

    @Test
    void watchIsAPageThatJoinsAsOneReceiver() throws Exception {
        HttpResponse<String> watch = get("/watch?path=replay&n=8");
        assertEquals(200, watch.statusCode());
        assertTrue(watch.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(watch.body().contains("id=\"watch_output\""));
        assertTrue(watch.body().contains("data-pipes-path=\"\""), "pipes at the root");
    }

    /** Behind a proxy trusted with --trust-forwarded, the help's recipes take the scheme the proxy says. */
    @Test
    void helpTakesAProxysSchemeOnlyWithTrustForwarded() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Server trusting = Main.start(ServerOptions.parse(new String[] {"--port", "0", "--trust-forwarded", "true"},
                Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Matcher matcher = Pattern.compile("pipe serving http://127\\.0\\.0\\.1:(\\d+)/")
                    .matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(matcher.find(), out.toString(StandardCharsets.UTF_8));
            HttpResponse<String> proxied = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + matcher.group(1) + "/help")).header("X-Forwarded-Proto", "https").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(proxied.body().contains("curl -T myfile https://127.0.0.1:"), proxied.body());
        } finally {
            trusting.stop();
        }
    }

    @Test
    void plainPagesAnswerAsTheReference() throws Exception {
        HttpResponse<String> version = get("/version");
        assertEquals(200, version.statusCode());
        assertEquals(Main.version() + "\n", version.body());
        assertEquals("text/plain", version.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("*", version.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());

        HttpResponse<String> help = get("/help");
        assertEquals("text/plain", help.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(help.body().contains("curl -T myfile " + base + "/mypath"), help.body());
        HttpResponse<String> proxied = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/help"))
                .header("X-Forwarded-Proto", "https").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(proxied.body().contains("curl -T myfile " + base + "/mypath"),
                "without --trust-forwarded, a client's X-Forwarded-Proto changes nothing: " + proxied.body());

        HttpResponse<String> robots = get("/robots.txt");
        assertEquals(404, robots.statusCode());
        assertEquals("0", robots.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("", robots.body());
        HttpResponse<String> favicon = get("/favicon.ico");
        assertEquals(204, favicon.statusCode());
        assertEquals("", favicon.body());
    }

    /** At the root the pages are reserved: sending to one is the reference's 400. */
    @ParameterizedTest
    @CsvSource({"PUT,/", "POST,/noscript", "PUT,/watch", "POST,/help", "PUT,/version", "PUT,/robots.txt",
        "POST,/favicon.ico", "PUT,/healthz"})
    void sendingToAPageIsRefused(String method, String page) throws Exception {
        HttpResponse<String> refused = CLIENT.send(HttpRequest.newBuilder(URI.create(base + page))
                .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode());
        assertEquals("[ERROR] Cannot send to the reserved path '" + page + "'. (e.g. '/mypath123')\n", refused.body());
        assertEquals("text/plain", refused.headers().firstValue("Content-Type").orElseThrow());
    }

    /** HEAD of a page is its GET without the body, as the reference answers. */
    @ParameterizedTest
    @ValueSource(strings = {"/", "/noscript", "/watch", "/help", "/version"})
    void headOfAPageIsItsGetWithoutBody(String page) throws Exception {
        HttpResponse<String> head = CLIENT.send(HttpRequest.newBuilder(URI.create(base + page))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(get(page).headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
