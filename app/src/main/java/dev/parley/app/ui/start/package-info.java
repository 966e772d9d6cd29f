/**
 * The start screen: {@link dev.parley.app.ui.start.StartViewModel} (name, source pickers with the
 * test-source fallback, preview and meter, new room and join with inline ticket errors) and its view.
 */
package dev.parley.app.ui.start;
