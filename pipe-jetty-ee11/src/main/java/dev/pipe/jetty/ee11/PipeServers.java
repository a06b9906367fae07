package dev.pipe.jetty.ee11;

import dev.pipe.servlet.PipeMapping;
import dev.pipe.servlet.PipeServlet;
import java.util.Objects;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;

/**
 * Puts a {@link PipeServlet} on Jetty 12.1's ee11 environment (Servlet 6.1, Spring Boot 4's Jetty):
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler("/");
 * PipeServers.mount(context, "/api/v1/pipe", new PipeServlet());
 * }</pre>
 *
 * The servlet uses Jetty's hooks on ee11 as on ee10 (buffer reads and writes, the connection's idle timeout lifted for
 * a pipe's exchanges, a client hanging up noticed at once); for a server of pipes with the standalone server's
 * connector and error pages, see {@code dev.pipe.jetty.PipeServers} (ee10), whose connector and error handler are
 * Jetty core and serve an ee11 context as well.
 */
public final class PipeServers {

    private PipeServers() {
    }

    /**
     * Mounts {@code servlet} at {@code pathPrefix} ({@code "/api/v1/pipe"}, or {@code "/"} for the root) of
     * {@code context}, with async support on: {@code <prefix>/replay} is then the pipe {@code replay}.
     *
     * @param context    the application's context
     * @param pathPrefix where to mount it, as {@link PipeMapping#normalizePrefix} accepts it
     * @param servlet    the servlet to mount
     * @return the servlet's holder, named {@code pipe}
     * @throws IllegalArgumentException when the prefix is not accepted
     */
    public static ServletHolder mount(ServletContextHandler context, String pathPrefix, PipeServlet servlet) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(servlet, "servlet");
        ServletHolder holder = new ServletHolder("pipe", servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, PipeMapping.pathSpec(pathPrefix));
        return holder;
    }
}
