/**
 * Discord's REST API, as far as a sharding manager needs it: {@code GET /gateway/bot}.
 */
@NullMarked
package dev.discordoo.sharding.discord;

import org.jspecify.annotations.NullMarked;
