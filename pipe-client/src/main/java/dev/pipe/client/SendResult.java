package dev.pipe.client;

/**
 * A transfer every receiver got.
 *
 * @param bytesSent the bytes this client sent
 * @param summary   the server's closing line ({@code Done: ...}), or null when the server writes none (piping-server)
 */
public record SendResult(long bytesSent, SendEvent.Done summary) {
}
