/**
 * {@link dev.pipe.servlet.PipeServlet} on Jetty 12's ee10 environment: {@link dev.pipe.jetty.PipeServers} mounts it
 * into a {@code ServletContextHandler} or builds a small embedded server for pipes around it, with
 * {@link dev.pipe.jetty.PipeConnectionFactory} and {@link dev.pipe.jetty.PlainErrorHandler}.
 */
package dev.pipe.jetty;
