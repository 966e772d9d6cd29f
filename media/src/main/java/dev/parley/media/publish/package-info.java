/**
 * Publishing: per-rendition encoder pipelines that run only while their track is subscribed, the
 * Opus pipeline, writers that turn encoded frames into hang groups on moq tracks, the catalog
 * writer, and the {@link dev.parley.media.publish.LocalMedia} facade the app uses.
 */
package dev.parley.media.publish;
