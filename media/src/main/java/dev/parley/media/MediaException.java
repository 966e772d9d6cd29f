package dev.parley.media;

/** Unchecked failure of a media operation (codec, device, pipeline). */
public class MediaException extends RuntimeException {
    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
