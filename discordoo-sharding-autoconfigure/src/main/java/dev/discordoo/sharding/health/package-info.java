/**
 * Health indicators of a sharding manager and of a sharding instance.
 */
@NullMarked
package dev.discordoo.sharding.health;

import org.jspecify.annotations.NullMarked;
