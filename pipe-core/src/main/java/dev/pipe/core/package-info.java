/**
 * The pipe relay, free of any server: {@link dev.pipe.core.PipeRegistry} brings one sender and {@code n}
 * receivers together by path, and each {@link dev.pipe.core.PipeState pipe} moves the sender's bytes to all of them
 * at the pace of the slowest, one chunk in flight, nothing stored.
 *
 * <p>An adapter (such as {@code dev.pipe.jetty.PipeServlet}) implements the ports the core calls
 * ({@link dev.pipe.core.SenderPort}, {@link dev.pipe.core.ReceiverPort}) and calls the handles the core returns
 * ({@link dev.pipe.core.Sender}, {@link dev.pipe.core.Receiver}). Every call is non-blocking; outcomes travel as
 * {@link dev.pipe.core.Completion}s and {@link dev.pipe.core.PipeException}s. Time comes from a
 * {@link dev.pipe.core.Scheduler}, so tests can drive it by hand.
 */
package dev.pipe.core;
