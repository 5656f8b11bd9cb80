/**
 * The runtime of a sharding instance: its IPC server, its local client's life, and its view
 * of itself and its siblings.
 */
@NullMarked
package dev.discordoo.sharding.instance;

import org.jspecify.annotations.NullMarked;
