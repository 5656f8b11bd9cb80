package dev.discordoo.sharding.discord;

import org.jspecify.annotations.Nullable;

import org.springframework.util.function.SingletonSupplier;

/**
 * The manager's access to Discord's {@code GET /gateway/bot}: read once at start (the shard
 * total and the identify limits both come from that one answer, however many instances
 * there are) and read again only when asked, such as when the daily identify budget resets.
 * Discord's documentation says not to keep the answer long, so nothing else caches it.
 */
public final class GatewayBotSource {

	private final @Nullable DiscordRestClient client;

	private final SingletonSupplier<GatewayBot> atStart;

	/**
	 * Create a source.
	 * @param client the REST client, or {@code null} when there is no Discord token
	 */
	public GatewayBotSource(@Nullable DiscordRestClient client) {
		this.client = client;
		this.atStart = SingletonSupplier.of(() -> (client != null) ? client.gatewayBot() : null);
	}

	/**
	 * Return whether there is a token, so Discord can be asked.
	 * @return whether Discord can be asked
	 */
	public boolean available() {
		return this.client != null;
	}

	/**
	 * Return Discord's answer at start: asked on the first call, the same answer after.
	 * @return the answer, or {@code null} without a token
	 */
	public @Nullable GatewayBot atStart() {
		return this.atStart.get();
	}

	/**
	 * Ask Discord again.
	 * @return the fresh answer
	 * @throws IllegalStateException without a token
	 */
	public GatewayBot fetch() {
		if (this.client == null) {
			throw new IllegalStateException("no Discord token: discordoo.sharding.discord.token is not set");
		}
		return this.client.gatewayBot();
	}

}
