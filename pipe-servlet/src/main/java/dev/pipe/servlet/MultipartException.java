package dev.pipe.servlet;

import java.io.IOException;

/** A malformed or unsupported {@code multipart/form-data} body; the message is one user-facing line. */
final class MultipartException extends IOException {

    private static final long serialVersionUID = 1L;

    MultipartException(String message) {
        super(message);
    }
}
