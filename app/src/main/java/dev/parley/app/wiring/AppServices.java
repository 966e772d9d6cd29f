package dev.parley.app.wiring;

import dev.parley.app.cli.CommandEngines;
import dev.parley.app.service.CallService;
import dev.parley.app.service.DeviceService;

/** The service implementations the window and the commands run on. */
public record AppServices(CallService calls, DeviceService devices, CommandEngines engines) {}
