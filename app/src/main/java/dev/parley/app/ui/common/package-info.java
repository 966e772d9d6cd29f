/**
 * Shared UI plumbing: the {@link dev.parley.app.ui.common.UiExecutor} that view-models use to reach the
 * UI thread, the notifications model, and error wording.
 */
package dev.parley.app.ui.common;
