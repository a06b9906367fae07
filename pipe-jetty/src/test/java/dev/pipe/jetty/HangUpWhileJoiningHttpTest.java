package dev.pipe.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipe.core.PipeConfig;
import dev.pipe.core.PipeKey;
import dev.pipe.core.PipeObserver;
import dev.pipe.core.PipeRegistry;
import dev.pipe.core.PipeState;
import dev.pipe.core.SystemScheduler;
import dev.pipe.core.TransferSummary;
import dev.pipe.core.access.AccessPolicy;
import dev.pipe.core.access.Credentials;
import dev.pipe.servlet.PipeServlet;
import dev.pipe.servlet.TestServer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A party that hangs up while its request is still being handled (before the servlet returns to the container) is
 * noticed as one that hangs up later is: its pipe ends ABANDONED at once (or it never joins), its place free. Over
 * HTTP/2 Jetty's servlet layer drops a stream's failure that comes in that window (it tells a servlet's listeners only
 * of one while the request waits), so the servlet hears of it from Jetty's own request too
 * ({@code Container.watchStream}); a waiting receiver has nothing else to hear it by (a sender's body read fails). Here
 * the request is held on the servlet's thread, before the party is let in (an access policy that blocks) or after it
 * joined (an observer that blocks), until the client has gone: over HTTP/2, until Jetty has failed its stream and closed
 * its connection.
 */
@Timeout(60)
class HangUpWhileJoiningHttpTest {

    private static final String PATH = "held";

    /** Where the servlet's thread is held. */
    enum Hold { BEFORE_IT_IS_LET_IN, AFTER_IT_JOINED }

    /** How curl speaks to the server. */
    enum Protocol {
        H2C("--http2-prior-knowledge"),
        HTTP_1_1("--http1.1");

        final String flag;

        Protocol(String flag) {
            this.flag = flag;
        }
    }

    static Stream<Arguments> everyProtocolAndHold() {
        return Stream.of(Protocol.values()).flatMap(p -> Stream.of(Hold.values()).map(h -> Arguments.of(p, h)));
    }

    @ParameterizedTest
    @MethodSource("everyProtocolAndHold")
    void aReceiverThatHangsUpBeforeItsRequestReturnsLeavesNoPipe(Protocol protocol, Hold hold) throws Exception {
        hangUpWhileHeld(List.of("curl", "-sS", protocol.flag), protocol, hold);
    }

    /** The same for a sender, whose body is all sent: it hangs up waiting for its answer. */
    @ParameterizedTest
    @MethodSource("everyProtocolAndHold")
    void aSenderThatHangsUpBeforeItsRequestReturnsLeavesNoPipe(Protocol protocol, Hold hold, @TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("log"), "07:23:14 WARN  db-primary replication lag 4s\n");
        hangUpWhileHeld(List.of("curl", "-sS", protocol.flag, "-T", file.toString()), protocol, hold);
    }

    private static void hangUpWhileHeld(List<String> curlCommand, Protocol protocol, Hold hold) throws Exception {
        Holder holder = new Holder(hold);
        CountDownLatch closed = new CountDownLatch(1);
        try (SystemScheduler scheduler = new SystemScheduler()) {
            PipeRegistry registry = new PipeRegistry(PipeConfig.defaults(), scheduler, holder);
            PipeServlet servlet = new PipeServlet(registry, holder) {
                @Override
                protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    holder.request.set(request);
                    try {
                        super.service(request, response);
                    } finally {
                        holder.request.remove();
                    }
                    holder.returned.countDown();
                }
            };
            Server server = PipeServers.server("127.0.0.1", 0, TestServer.PREFIX, servlet);
            server.getConnectors()[0].addEventListener(new Connection.Listener() {
                @Override
                public void onClosed(Connection connection) {
                    // not the connection that detected the protocol, replaced by HTTP/2's on the same end point
                    if (!connection.getEndPoint().isOpen()) {
                        closed.countDown();
                    }
                }
            });
            server.start();
            try {
                String uri = "http://127.0.0.1:" + PipeServers.port(server) + TestServer.PREFIX + "/" + PATH;
                List<String> command = new ArrayList<>(curlCommand);
                command.add(uri);
                Process curl = new ProcessBuilder(command)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                assertTrue(holder.held.await(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "held");
                curl.destroyForcibly();
                assertTrue(curl.waitFor(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "curl ends");
                if (protocol == Protocol.H2C) {
                    // Jetty failed the stream (its failure listeners have run, the servlet's before the test's) and
                    // closed the connection, while the request is still held. Over HTTP/1 nothing is heard while
                    // the request is held: the connection is read again once the servlet watches it
                    assertTrue(holder.failed.await(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "failed");
                    assertTrue(closed.await(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "connection closed");
                }
                holder.release.countDown();
                assertTrue(holder.returned.await(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "returned");
                if (holder.joined) {
                    // (a party whose hang-up was heard before it joined does not join)
                    assertEquals(PipeState.ABANDONED, holder.awaitEnd(), "the pipe of the party that left ended");
                }
                assertEquals(0, registry.size(), "no pipe is left");
            } finally {
                holder.release.countDown();
                StandaloneJetty.stopNow(server);
                registry.close();
            }
        }
    }

    /** Holds the party's request on the servlet's thread until released, where told; tells how its pipe ended. */
    private static final class Holder implements PipeObserver, AccessPolicy {
        final Hold hold;
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch returned = new CountDownLatch(1);   // the servlet returned to the container
        final CountDownLatch failed = new CountDownLatch(1);     // Jetty failed the request's stream
        final ThreadLocal<HttpServletRequest> request = new ThreadLocal<>();   // the one the servlet handles
        volatile boolean joined;
        final CompletableFuture<PipeState> end = new CompletableFuture<>();

        Holder(Hold hold) {
            this.hold = hold;
        }

        @Override
        public Decision check(Role role, PipeKey key, Credentials credentials) {
            if (hold == Hold.BEFORE_IT_IS_LET_IN) {
                holdHere();
            }
            return Decision.ALLOW;
        }

        @Override
        public void onJoin(PipeKey key, PipeObserver.Party party, int receivers, int expected) {
            joined = true;
            if (hold == Hold.AFTER_IT_JOINED) {
                holdHere();
            }
        }

        private void holdHere() {
            // the last of Jetty's failure listeners on this request: the servlet's (once the exchange started) run
            // before it
            ServletContextRequest.getServletContextRequest(request.get()).addFailureListener(x -> failed.countDown());
            held.countDown();
            try {
                if (!release.await(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onEnd(TransferSummary summary) {
            end.complete(summary.state());
        }

        PipeState awaitEnd() throws Exception {
            try {
                return end.get(TestServer.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the pipe did not end within " + TestServer.LONG_WAIT
                        + ": the server never heard the party leave");
            }
        }
    }
}
