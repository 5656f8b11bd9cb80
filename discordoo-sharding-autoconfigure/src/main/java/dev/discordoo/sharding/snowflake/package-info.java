/**
 * DiscordooSnowflake ids.
 */
@NullMarked
package dev.discordoo.sharding.snowflake;

import org.jspecify.annotations.NullMarked;
