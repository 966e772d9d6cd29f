package dev.parley.app.wiring;

import java.nio.file.Path;

/** Holds a profile in its own process: loads args[1] from the folder args[0], prints READY, then waits. */
public final class ProfileHolderMain {
    private ProfileHolderMain() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("READY " + ProfileIdentity.load(Path.of(args[0]), args[1], k -> null).id().hex());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
