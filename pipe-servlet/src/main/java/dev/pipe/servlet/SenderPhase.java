package dev.pipe.servlet;

/**
 * The phases of a {@link ServletSender}, and the transitions between them ({@link #next}): the one table the sender
 * checks every change of phase against.
 *
 * <pre>
 *   NEW ──listening──▶ READING ──what the receivers are told is known──▶ JOINING ──refused──▶ CLOSED
 *                     (a form's fields                                    │ taken
 *                      before its file)                                   ▼
 *                                          HOLDING ◀──read-ahead full──  WAITING
 *                                  (keep-alive lines,   or all in        │
 *                                   or a watch)  │                       │
 *                                                └────demand──▶ STREAMING ◀──demand
 *                                                                │ every payload byte lent, then a demand
 *                                                                ▼
 *                                                              ENDED
 *   any phase ──the pipe failed it──▶ FAILING ──its [ERROR] line out, the output shut──▶ DRAINING ──the client's
 *                                                                                                  end──▶ CLOSED
 *   any phase ──finished, gone, refused, expired──▶ CLOSED   (a chunk lent goes back on its release)
 * </pre>
 *
 * <ul>
 * <li>NEW: nothing is read before the read listener is set (a read then would be a blocking one, and the transfer
 *     could even end before {@code setReadListener}, which Jetty then refuses).</li>
 * <li>READING: a form is read and decoded until its file's headers are in (the receivers are to get them); a plain
 *     body joins at once.</li>
 * <li>WAITING, HOLDING: on the pipe, the others not all there. The body's first {@value PlainBody#EARLY} bytes are
 *     read ahead, so that a client that leaves is noticed at once; once that is full, a client whose body goes on is
 *     noticed by a write: the pipe is asked for a line every {@link ServletSender#KEEP_ALIVE}. A body all in is
 *     watched instead (the connection's close).</li>
 * <li>STREAMING: one chunk lent per demand; with a window of two the next is read while the current one is lent.
 *     ENDED: the end is handed over; what follows a form's file is read and forgotten. A client that leaves once
 *     every payload byte is in does not fail the transfer.</li>
 * <li>FAILING, DRAINING: the transfer failed (or did not reach every receiver; or, while it streamed, a read found no
 *     memory for its buffer, which fails it as the server's), so the sender's client must see a failure, not a clean
 *     end: its {@code [ERROR]} line is written and left to stand for {@link ServletSender#LINGER}, then the output is
 *     shut without the body's end, and what the client still sends is read and forgotten until it closes (at most
 *     {@link ServletSender#DRAIN_LIMIT} bytes, and {@link Exchange#CUT_OFF_IDLE} of silence), so that closing does
 *     not reset the connection before the client has read the line.</li>
 * </ul>
 *
 * <p>Threads: the sender's {@link StepLoop} alone reads and changes its phase.
 */
enum SenderPhase {
    NEW, READING, JOINING, WAITING, HOLDING, STREAMING, ENDED, FAILING, DRAINING, CLOSED;

    /** The transitions of the diagram above. */
    boolean next(SenderPhase to) {
        return to == CLOSED && this != CLOSED
                || to == FAILING && this != FAILING && this != DRAINING && this != CLOSED || switch (this) {
            case NEW -> to == READING;
            case READING -> to == JOINING;
            case JOINING -> to == WAITING;
            case WAITING -> to == HOLDING || to == STREAMING;
            case HOLDING -> to == STREAMING;
            case STREAMING -> to == ENDED;
            case FAILING -> to == DRAINING;
            case ENDED, DRAINING, CLOSED -> false;
        };
    }
}
