package dev.discordoo.sharding.testbot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.discordoo.sharding.IdentifyOutcome;

/**
 * The test bot's stand-in for a gateway connection: one IDENTIFY sent to
 * {@code FakeDiscord}'s identify endpoint, which is as strict as Discord's gateway about
 * buckets and the daily budget.
 */
final class FakeGatewayIdentify {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI url;

	private final String token;

	FakeGatewayIdentify(String url, String token) {
		this.url = URI.create(url);
		this.token = token;
	}

	IdentifyOutcome identify(int shard, int total) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(this.url)
			.header("Authorization", "Bot " + this.token)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString("{\"shard\":[" + shard + "," + total + "]}"))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			return IdentifyOutcome.CLOSED;
		}
		return response.body().contains("\"READY\"") ? IdentifyOutcome.READY : IdentifyOutcome.INVALID_SESSION;
	}

}
