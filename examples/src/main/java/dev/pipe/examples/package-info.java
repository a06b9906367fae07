/**
 * The standalone pipe server ({@link dev.pipe.examples.Main}, packaged as {@code pipe-server.jar}) and an example of
 * mounting pipes in an existing Jetty application ({@link dev.pipe.examples.EmbedExample}).
 */
package dev.pipe.examples;
