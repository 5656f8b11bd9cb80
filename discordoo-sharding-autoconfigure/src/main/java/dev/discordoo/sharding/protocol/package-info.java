/**
 * The wire protocol between manager and instances: packets, op codes, payloads and the frame codec.
 */
@NullMarked
package dev.discordoo.sharding.protocol;

import org.jspecify.annotations.NullMarked;
