package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On every container the servlet takes the container's own hooks and its {@code ByteBuffer} reads and writes (Servlet
 * 6.1's, or the container's own on 6.0), never a copy through an array where a buffer can go as it is.
 */
@Timeout(30)
@ParameterizedClass
@MethodSource("dev.pipe.servlet.Containers#underTest")
class ContainerIoHttpTest {

    @Parameter
    Containers container;

    /** Answers with what the servlet would choose for this exchange. */
    private static final class Probe extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Container chosen = Container.of(request, response);
            String answer = chosen.getClass().getSimpleName()
                    + " reads=" + (chosen.reads(request.getInputStream()) != null)
                    + " writes=" + (chosen.writes(response.getOutputStream()) != null);
            response.setContentType("text/plain");
            response.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void containerHooksAndBufferReadsAndWritesAreTheContainersOwn() throws Exception {
        TestContainer.Running running = container.start("/probe", new Probe());
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/probe/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String hooks = container == Containers.TOMCAT ? "TomcatContainer" : "JettyContainer";
            assertEquals(hooks + " reads=true writes=true", answer.body());
        } finally {
            running.stop().stop();
        }
    }
}
