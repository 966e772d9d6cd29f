/**
 * Raw frames shared between pipeline stages: pooled, reference-counted direct buffers (I420 from
 * capture, BGRA after decode) and PCM audio blocks, plus the single-slot latest-frame mailbox.
 */
package dev.parley.media.frame;
