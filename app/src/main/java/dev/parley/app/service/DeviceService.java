package dev.parley.app.service;

/** Capture devices and the local preview. Methods may block (device probing): call them off the FX thread. */
public interface DeviceService {
    /** The devices present now. */
    DeviceList list();

    /**
     * Starts capturing the chosen sources for preview.
     *
     * @throws ServiceException with a readable message when a source cannot be opened
     */
    SelfPreview startPreview(SourceSelection selection);
}
