package dev.parley.app.testing;

import dev.parley.app.service.DeviceList;
import dev.parley.app.service.DeviceService;
import dev.parley.app.service.SelfPreview;
import dev.parley.app.service.SourceSelection;
import dev.parley.app.service.VideoFeed;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A device service with a fixed list; previews record their selection and whether they were closed. */
public final class FakeDevices implements DeviceService {
    public final DeviceList list;
    public final List<SourceSelection> started = new CopyOnWriteArrayList<>();
    public final List<Preview> previews = new CopyOnWriteArrayList<>();
    public volatile double micLevel = 0.5;

    public FakeDevices(DeviceList list) {
        this.list = list;
    }

    @Override
    public DeviceList list() {
        return list;
    }

    @Override
    public SelfPreview startPreview(SourceSelection selection) {
        started.add(selection);
        Preview p = new Preview();
        previews.add(p);
        return p;
    }

    public final class Preview implements SelfPreview {
        public final SolidFeed feed = new SolidFeed();
        public volatile boolean closed;

        @Override
        public VideoFeed video() {
            return feed;
        }

        @Override
        public double micLevel() {
            return micLevel;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
