/**
 * The IPC link between a manager and its instances, on Spring Integration's TCP connection
 * factories: server (instance side), client (manager side), the link, its threads.
 */
@NullMarked
package dev.discordoo.sharding.ipc;

import org.jspecify.annotations.NullMarked;
