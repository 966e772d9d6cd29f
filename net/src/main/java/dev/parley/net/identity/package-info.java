/**
 * Who a peer is: Ed25519 keys, the {@link dev.parley.net.identity.EndpointId} derived from the
 * public key, and where the secret key is kept on disk.
 */
package dev.parley.net.identity;
