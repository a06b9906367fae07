/**
 * The pipe relay on Jetty 12: {@link dev.pipe.jetty.PipeServlet}, a non-blocking servlet that any
 * {@code ServletContextHandler} can mount at any prefix, and {@link dev.pipe.jetty.PipeServers}, which mounts it or
 * builds a small embedded server around it.
 */
package dev.pipe.jetty;
