/**
 * The identify broker: Discord's identify limits, kept by the manager for every instance of
 * the bot, and the daily identify budget.
 */
@NullMarked
package dev.discordoo.sharding.identify;

import org.jspecify.annotations.NullMarked;
