/**
 * The pipe relay as a Servlet: {@link dev.pipe.servlet.PipeServlet}, a non-blocking servlet that any Servlet 6
 * container (Tomcat 10.1 and 11, Jetty 12 ee10 and ee11) can mount at any prefix. It is compiled against Servlet 6.0
 * and uses each container's speed-ups when that container runs it; the Jetty helpers that mount it are in
 * {@code pipe-jetty} (ee10) and {@code pipe-jetty-ee11}.
 */
package dev.pipe.servlet;
