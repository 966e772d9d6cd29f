/**
 * The one postcard codec (serde's positional binary format, as iroh writes it): bounds-checked
 * reads that throw {@link dev.parley.net.postcard.PostcardException}, used by endpoint addresses and
 * tickets here and by gossip, the signed KV, peer state and chat history in {@code rooms}.
 */
package dev.parley.net.postcard;
