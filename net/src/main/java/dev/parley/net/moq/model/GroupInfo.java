package dev.parley.net.moq.model;

/**
 * The immutable description of a group: its sequence number within the track.
 *
 * @param sequence 0..2^62-1; increases by one per group at the producer, may arrive with gaps or out of order
 */
public record GroupInfo(long sequence) {
    /** Largest sequence a varint can carry. */
    public static final long MAX_SEQUENCE = (1L << 62) - 1;

    /** Validates the range. */
    public GroupInfo {
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("group sequence out of range: " + sequence);
        }
    }
}
