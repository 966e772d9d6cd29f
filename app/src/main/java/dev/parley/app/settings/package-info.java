/**
 * Persistent app settings: the {@link dev.parley.app.settings.Settings} record (name, devices, window
 * size, last room), stored as JSON by {@link dev.parley.app.settings.SettingsStore} in the platform
 * config folder chosen by {@link dev.parley.app.settings.ConfigDirs}.
 */
package dev.parley.app.settings;
