package dev.pipe.servlet.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritePendingException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fakes keep the Servlet contract they model: callbacks wait for the test, and misuse is caught. */
class FakesTest {

    private final RecordingListener listener = new RecordingListener();
    private final List<String> events = listener.events();

    private static FakeExchange started() {
        FakeExchange x = FakeExchange.put("/api/v1/pipe", "/path").build();
        x.request().startAsync();
        return x;
    }

    @Test
    void readCallbacksWaitForTheTest() throws IOException {
        FakeExchange x = started();
        x.input().arrive("hello");
        x.input().setReadListener(listener);
        assertEquals(List.of("onDataAvailable"), x.steps().pending());
        assertEquals(List.of(), events);
        assertEquals("onDataAvailable", x.steps().runNext());
        byte[] into = new byte[10];
        assertTrue(x.input().isReady());
        assertEquals(5, x.input().read(into, 0, 10));
        assertFalse(x.input().isReady());
        assertThrows(IllegalStateException.class, () -> x.input().read(into, 0, 10));
        assertTrue(x.steps().isEmpty()); // nothing owed before bytes arrive
        x.input().arrive("a");
        x.input().arrive("b");
        assertEquals(List.of("onDataAvailable"), x.steps().pending()); // one callback for both
        x.steps().runNext();
        assertEquals(1, x.input().read(into, 0, 10)); // one arrival per read
        assertEquals(1, x.input().read(into, 0, 10));
        assertFalse(x.input().isReady());
        x.input().arriveEnd();
        assertEquals(List.of("onAllDataRead"), x.steps().pending());
        assertTrue(x.input().isFinished());
        x.steps().runAll();
        assertEquals(List.of("onDataAvailable", "onDataAvailable", "onAllDataRead"), events);
        assertEquals(-1, x.input().read(ByteBuffer.allocate(4)));
        assertTrue(x.steps().isEmpty());
        assertEquals(7, x.input().bytesRead());
    }

    @Test
    void readingTheEndOwesOnAllDataRead() throws IOException {
        FakeExchange x = started();
        x.input().arrive("ab");
        x.input().arrive("cd");
        x.input().setReadListener(listener);
        byte[] into = new byte[10];
        assertEquals(2, x.input().read(into, 0, 10));
        assertEquals(2, x.input().read(into, 2, 8));
        x.input().arriveEnd();
        assertEquals(-1, x.input().read(into, 4, 6));
        x.steps().runAll(); // the callback owed at setReadListener: by now the end is what it delivers
        assertEquals(List.of("onAllDataRead"), events);
        assertEquals("abcd", new String(into, 0, 4, StandardCharsets.UTF_8));
    }

    @Test
    void strictReadyThrowsWhileACallbackIsOwed() throws IOException {
        FakeExchange x = started();
        x.input().strictReady(true);
        x.input().setReadListener(listener);
        assertFalse(x.input().isReady());
        assertFalse(x.input().isReady()); // still no: no callback owed yet
        x.input().arrive("xy");
        assertTrue(x.input().isReady()); // read off the callback, from another thread in the adapter
        assertEquals(2, x.input().read(new byte[2], 0, 2));
        IllegalStateException pending = assertThrows(IllegalStateException.class, () -> x.input().isReady());
        assertEquals("callback pending", pending.getMessage());
        assertEquals("read callback (nothing to read: nothing delivered)", x.steps().runNext());
        assertEquals(List.of(), events);
        assertEquals("UNREADY", x.input().state());

        FakeExchange lenient = started(); // the default: no again, and the callback still comes
        lenient.input().setReadListener(listener);
        assertFalse(lenient.input().isReady());
        lenient.input().arrive("xy");
        assertEquals(2, lenient.input().read(new byte[2], 0, 2));
        assertFalse(lenient.input().isReady());
        assertEquals(1, lenient.steps().pending().size());
    }

    @Test
    void blockingReadIsCountedAndAnsweredAndTheListenerIsSetOnce() throws IOException {
        FakeExchange x = started();
        x.input().arrive("abc");
        assertEquals('a', x.input().read());
        assertEquals(1, x.input().blockingReads());
        FakeExchange notStarted = FakeExchange.get("/p", "/k").build();
        assertThrows(IllegalStateException.class, () -> notStarted.input().read()); // nothing arrived: would block
        assertThrows(IllegalStateException.class, () -> notStarted.input().setReadListener(listener));
        x.input().setReadListener(listener);
        assertThrows(IllegalStateException.class, () -> x.input().setReadListener(listener));
    }

    @Test
    void clientGoneFailsReadsAndOwesOnError() {
        FakeExchange x = started();
        x.input().setReadListener(listener);
        x.input().fail(new IOException("gone"));
        assertTrue(x.input().isReady());
        assertThrows(IOException.class, () -> x.input().read(new byte[1], 0, 1));
        assertEquals(List.of("ReadListener.onError"), x.steps().pending());
        x.steps().runAll();
        assertEquals(List.of("onError: gone"), events);
    }

    @Test
    void aThrowingCallbackIsAnsweredWithOnError() {
        FakeExchange x = started();
        x.input().arrive("a");
        listener.throwOnData(new IllegalStateException("bug"));
        x.input().setReadListener(listener);
        x.steps().runAll();
        assertEquals(List.of("onError: bug"), events);
        assertEquals(1, x.input().callbackFailures().size());
    }

    @Test
    void writeContract() throws IOException {
        FakeExchange x = started();
        ScriptedOutput out = x.output();
        out.setWriteListener(listener);
        assertThrows(IllegalStateException.class, () -> out.setWriteListener(listener));
        assertEquals(List.of("onWritePossible"), x.steps().pending());
        x.steps().runNext();
        assertTrue(out.isReady());
        out.write("ab".getBytes(StandardCharsets.UTF_8));
        assertTrue(out.isCommitted());
        assertThrows(IllegalStateException.class, () -> out.write(1)); // isReady() not called
        out.block();
        assertFalse(out.isReady());
        assertThrows(WritePendingException.class, () -> out.write(1));
        assertTrue(x.steps().isEmpty());
        out.unblock();
        assertEquals(List.of("onWritePossible"), x.steps().pending());
        x.steps().runNext();
        assertTrue(out.isReady());
        out.flush();
        assertEquals(1, out.flushes());
        assertEquals("ab", out.text());
        assertEquals(2, out.written().length);
        out.close();
        assertTrue(out.closed());
        assertEquals(List.of("onWritePossible", "onWritePossible"), events);
    }

    @Test
    void failedOutputThrowsAndOwesOnError() throws IOException {
        FakeExchange x = started();
        x.output().setWriteListener(listener);
        x.steps().runAll();
        x.output().fail(new IOException("reset"));
        assertTrue(x.output().isReady());
        assertThrows(IOException.class, () -> x.output().write(new byte[1]));
        assertEquals(List.of("WriteListener.onError"), x.steps().pending());
        x.steps().runAll();
        assertEquals(List.of("onWritePossible", "onError: reset"), events);
    }

    @Test
    void responseRecordsInvalidStatusesAndIgnoresLateChanges() throws IOException {
        FakeExchange x = FakeExchange.get("/p", "/k").build();
        HttpServletResponse response = x.response();
        assertEquals(200, response.getStatus());
        response.setHeader("X-Thing", "1");
        response.addHeader("x-thing", "2");
        assertEquals("1", response.getHeader("X-THING"));
        assertEquals(List.of("1", "2"), List.copyOf(response.getHeaders("x-thing")));
        response.setHeader("x-THING", "3");
        assertEquals(List.of("x-THING"), List.copyOf(response.getHeaderNames()));
        response.setContentType("text/plain");
        response.setContentLength(5);
        assertEquals("5", response.getHeader("content-length"));
        response.sendError(-1);
        assertEquals(List.of(-1), x.invalidStatuses());
        assertTrue(response.isCommitted());
        assertEquals(200, response.getStatus());
        response.setStatus(404);
        assertEquals(List.of("setStatus(404)"), x.recorded().ignored());
        assertThrows(IllegalStateException.class, () -> response.sendError(500));
        assertThrows(IllegalStateException.class, response::reset);
        UnsupportedOperationException writer = assertThrows(UnsupportedOperationException.class,
                response::getWriter);
        assertTrue(writer.getMessage().contains("getWriter"), writer.getMessage());
    }

    @Test
    void requestAnswersItsLineAndHeaders() throws IOException {
        FakeExchange x = FakeExchange.put("/api/v1/pipe", "/a%20b;p").header("Content-Length", "5")
                .header("X-Piping", "one").header("x-piping", "two").protocol("HTTP/1.0").query("n=2").build();
        HttpServletRequest request = x.request();
        assertEquals("PUT", request.getMethod());
        assertEquals("HTTP/1.0", request.getProtocol());
        assertEquals("/api/v1/pipe/a%20b;p", request.getRequestURI());
        assertEquals("/api/v1/pipe", request.getServletPath());
        assertEquals("/a b", request.getPathInfo());
        assertEquals("n=2", request.getQueryString());
        assertEquals(5L, request.getContentLengthLong());
        assertEquals(List.of("one", "two"), Collections.list(request.getHeaders("X-PIPING")));
        assertNull(request.getUserPrincipal());
        assertNull(request.getAttribute("org.eclipse.jetty.ee10.servlet.ServletChannel"));
        assertSame(x.input(), request.getInputStream());
        assertThrows(IllegalStateException.class, request::getAsyncContext);
        UnsupportedOperationException unsupported = assertThrows(UnsupportedOperationException.class,
                () -> request.getParameter("n"));
        assertTrue(unsupported.getMessage().contains("getParameter(String)"), unsupported.getMessage());
    }

    @Test
    void asyncCompletesOnceAndOwesItsListeners() {
        FakeExchange x = started();
        x.async().addListener(listener);
        x.async().setTimeout(0);
        assertThrows(IllegalStateException.class, x.async()::expire);
        x.clientGone(new IOException("gone"));
        assertEquals(List.of("AsyncListener.onError"), x.steps().pending());
        x.steps().runAll();
        assertTrue(x.request().isAsyncStarted());
        x.request().getAsyncContext().complete();
        assertFalse(x.request().isAsyncStarted());
        assertThrows(IllegalStateException.class, x.async()::complete);
        x.async().clientGone(new IOException("late"));
        x.steps().runAll();
        assertEquals(List.of("async onError: gone", "onComplete"), events);
        assertEquals(List.of("AsyncListener.onError", "AsyncListener.onComplete",
                "AsyncListener.onError (exchange complete: nothing delivered)"), x.steps().history());
    }

    @Test
    void stepsCatchLoopsAndNesting() {
        Steps steps = new Steps();
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> steps.add("loop", loop[0]);
        steps.add("loop", loop[0]);
        assertThrows(AssertionError.class, steps::runAll);
        Steps nested = new Steps();
        nested.add("outer", () -> nested.runNext());
        nested.add("inner", () -> { });
        assertThrows(IllegalStateException.class, nested::runNext);
        assertEquals("inner", nested.run("inner"));
        assertThrows(IllegalStateException.class, nested::runNext);
    }
}
