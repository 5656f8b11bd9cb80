/**
 * The {@code sharding} actuator endpoint of a sharding manager.
 */
@NullMarked
package dev.discordoo.sharding.endpoint;

import org.jspecify.annotations.NullMarked;
