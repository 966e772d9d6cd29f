package dev.parley.rooms.gossip.net;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.ticket.EndpointAddr;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A report about a peer never replaces the address it was seen at; the two are merged. */
class AddressBookTest {
    private final EndpointId peer = Identity.generate().id();
    private final InetSocketAddress nat = new InetSocketAddress("198.18.2.2", 40000);
    private final InetSocketAddress privateAddr = new InetSocketAddress("10.77.1.2", 5000);

    @Test
    void aPeerBehindNatKeepsItsSeenAddressWhenItReportsItsPrivateOne() {
        AddressBook book = new AddressBook();
        book.seen(peer, nat);
        book.reported(EndpointAddr.of(peer, privateAddr));
        assertThat(book.dialable(peer).directAddresses()).containsExactlyInAnyOrder(nat, privateAddr);
        // a later report replaces the earlier report, not the seen address
        InetSocketAddress moved = new InetSocketAddress("10.77.1.3", 5000);
        book.reported(EndpointAddr.of(peer, moved));
        assertThat(book.dialable(peer).directAddresses()).containsExactlyInAnyOrder(nat, moved);
    }

    @Test
    void seenAddressesAreKeptNewestFirstUpToALimit() {
        AddressBook book = new AddressBook();
        InetSocketAddress a = new InetSocketAddress("198.18.2.2", 1);
        InetSocketAddress b = new InetSocketAddress("198.18.2.2", 2);
        InetSocketAddress c = new InetSocketAddress("198.18.2.2", 3);
        book.seen(peer, a);
        book.seen(peer, b);
        book.seen(peer, a); // seen again: not twice
        book.seen(peer, c);
        assertThat(book.dialable(peer).directAddresses()).hasSize(AddressBook.MAX_SEEN).containsExactlyInAnyOrder(c, a);
    }

    @Test
    void unknownPeersHaveNoAddressAndRelaysComeFromTheReport() {
        AddressBook book = new AddressBook();
        assertThat(book.dialable(peer)).isNull();
        assertThat(AddressBook.merge(peer, List.of(), null)).isNull();
        EndpointAddr merged = AddressBook.merge(peer, List.of(nat),
                new EndpointAddr(peer, List.of(nat, privateAddr), List.of("https://relay.example/")));
        assertThat(merged.directAddresses()).containsExactlyInAnyOrder(nat, privateAddr);
        assertThat(merged.relayUrls()).containsExactly("https://relay.example/");
        assertThat(merged.id()).isEqualTo(peer);
    }
}
