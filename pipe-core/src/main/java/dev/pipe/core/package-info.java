/**
 * The pipe relay, free of any server: {@link dev.pipe.core.PipeRegistry} brings one sender and {@code n}
 * receivers together by path, and each {@link dev.pipe.core.PipeState pipe} moves the sender's bytes to all of them
 * at the pace of the slowest, one chunk in flight, nothing stored.
 *
 * <h2>Which types are for whom</h2>
 * <ul>
 *   <li><b>For an application</b> that embeds a pipe servlet or watches its pipes: {@link dev.pipe.core.PipeConfig}
 *       (the settings), {@link dev.pipe.core.PipeRegistry} (its {@code observe}, {@code census}, {@code drain} and
 *       {@code close}), {@link dev.pipe.core.PipeObserver} with {@link dev.pipe.core.TransferSummary}, and
 *       {@link dev.pipe.core.SlowReceiverPolicy}; access control is in {@code dev.pipe.core.access}.</li>
 *   <li><b>For an adapter</b> that carries pipes over a transport of its own (what {@code dev.pipe.servlet} does for
 *       servlets), the service-provider interface: it implements the ports the core calls
 *       ({@link dev.pipe.core.SenderPort}, {@link dev.pipe.core.ReceiverPort}), calls the handles the core returns
 *       ({@link dev.pipe.core.Sender}, {@link dev.pipe.core.Receiver}), and completes and is completed through
 *       {@link dev.pipe.core.Completion}; outcomes are {@link dev.pipe.core.PipeException}s, progress lines
 *       {@link dev.pipe.core.Progress}. Time comes from a {@link dev.pipe.core.Scheduler}
 *       ({@link dev.pipe.core.SystemScheduler}, or a virtual one in tests; its timers are
 *       {@link dev.pipe.core.Cancellable}). An application that only mounts the servlet never touches these.</li>
 * </ul>
 * Every call is non-blocking. Classes that are not public are the engine's own.
 */
package dev.pipe.core;
