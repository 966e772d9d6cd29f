/**
 * The JavaFX desktop app: {@link dev.parley.app.ui.ParleyApp} starts it and
 * {@link dev.parley.app.ui.MainWindow} switches between the start and room screens. Sub-packages hold
 * one screen each (view plus view-model, MVVM); views only bind to view-models, and view-models are
 * the only callers of the services.
 */
package dev.parley.app.ui;
