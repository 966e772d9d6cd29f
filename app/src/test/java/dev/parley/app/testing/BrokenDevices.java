package dev.parley.app.testing;

import dev.parley.app.service.DeviceList;
import dev.parley.app.service.DeviceService;
import dev.parley.app.service.SelfPreview;
import dev.parley.app.service.ServiceException;
import dev.parley.app.service.SourceSelection;

/**
 * A device service whose discovery and capture both fail, as on a machine where the capture backend
 * cannot be opened (a fault the test machine cannot cause with the real service).
 */
public final class BrokenDevices implements DeviceService {
    public static final String LIST_FAILURE = "The device list could not be read: permission denied.";
    public static final String CAPTURE_FAILURE = "The capture backend could not be opened.";

    @Override
    public DeviceList list() {
        throw new ServiceException(LIST_FAILURE);
    }

    @Override
    public SelfPreview startPreview(SourceSelection selection) {
        throw new ServiceException(CAPTURE_FAILURE);
    }
}
