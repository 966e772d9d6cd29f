package dev.parley.app.wiring;

import dev.parley.app.service.DeviceList;
import dev.parley.app.service.DeviceService;
import dev.parley.app.service.LocalPreview;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.SourceSelection;

/**
 * The device service of a build without the media module wired in: device discovery and capture
 * fail with a message saying so, which the start screen shows over an empty "No video yet" preview.
 */
public final class UnwiredDeviceService implements DeviceService {
    @Override
    public DeviceList list() {
        throw new ServiceException("Device discovery is not available in this build yet.");
    }

    @Override
    public LocalPreview startPreview(SourceSelection selection) {
        throw new ServiceException("capture is not available in this build yet.");
    }
}
