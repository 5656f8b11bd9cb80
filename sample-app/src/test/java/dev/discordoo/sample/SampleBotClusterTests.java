package dev.discordoo.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's cluster walk-through, in one JVM: two nodes of the sample bot (workers, so
 * that the test stays quick) against an in-process ZooKeeper, looked at over HTTP as the
 * README does. The shards spread over both nodes, requests cross them over node links with
 * TLS from an SSL bundle, and a node stopped gracefully hands its instances over to the other.
 */
class SampleBotClusterTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private TestingServer zookeeper;

	@AfterEach
	void stop() throws Exception {
		for (ConfigurableApplicationContext node : this.nodes) {
			node.close();
		}
		if (this.zookeeper != null) {
			this.zookeeper.close();
		}
	}

	@Test
	void twoNodesShareTheSampleAndAStoppedNodeHandsItsInstancesOver() throws Exception {
		this.zookeeper = new TestingServer(true);
		ConfigurableApplicationContext first = startNode("node-1");
		ConfigurableApplicationContext second = startNode("node-2");
		String firstUrl = baseUrl(first);
		await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
			JsonNode health = get(firstUrl + "/actuator/health/cluster");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode byNode = health.path("details").path("instancesByNode");
			assertThat(byNode.path("node-1").size() + byNode.path("node-2").size()).isEqualTo(4);
			assertThat(byNode.path("node-1").size()).isPositive();
			assertThat(byNode.path("node-2").size()).isPositive();
			// settled: node 2 may have joined after the first assignment and taken instances over
			assertThat(health.path("details").path("instances").valueStream())
				.allSatisfy((instance) -> assertThat(instance.path("ownedBy").asString())
					.isEqualTo(instance.path("assignedTo").asString()))
				.allSatisfy((instance) -> assertThat(instance.path("state").asString()).isEqualTo("READY"));
		});
		// the sharding endpoint shows the cluster beside this node's own instances
		JsonNode sharding = get(firstUrl + "/actuator/sharding");
		assertThat(sharding.path("cluster").path("nodes").size()).isEqualTo(2);
		assertThat(sharding.path("instances").size()).isEqualTo(sharding.path("cluster").path("instances").valueStream()
			.filter((instance) -> instance.path("ownedBy").asString().equals("node-1"))
			.count());

		// a request from node 1 reaches every instance of the cluster, node 2's over the node
		// link: over TLS, since without the secret the bundle is what opens node links at all
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			JsonNode live = get(firstUrl + "/guilds/live");
			assertThat(live.path("complete").asBoolean()).as("every instance answered: %s", live).isTrue();
			assertThat(live.path("instances").size()).isEqualTo(4);
		});

		// a restart through node 1's endpoint of an instance node 2 runs is node 2's to do: node 1
		// forwards it, node 2 restarts it (overlapped, a new attempt id), and node 1 never runs it
		String secondUrl = baseUrl(second);
		JsonNode cluster = get(firstUrl + "/actuator/health/cluster");
		int remote = cluster.path("details").path("instancesByNode").path("node-2").get(0).asInt();
		String attemptBefore = instanceOn(secondUrl, remote).path("id").asString();
		JsonNode restart = post(firstUrl + "/actuator/sharding/" + remote);
		assertThat(restart.path("accepted").asBoolean()).as("%s", restart).isTrue();
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			JsonNode restarted = instanceOn(secondUrl, remote);
			assertThat(restarted.path("id").asString()).isNotEqualTo(attemptBefore);
			assertThat(restarted.path("state").asString()).isEqualTo("READY");
		});
		assertThat(get(firstUrl + "/actuator/sharding").path("instances").valueStream()
			.map((instance) -> instance.path("index").asInt())).doesNotContain(remote);

		// Ctrl-C of node 2: it hands its instances over before it is gone
		second.close();
		this.nodes.remove(second);
		await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
			JsonNode health = get(firstUrl + "/actuator/health/cluster");
			assertThat(health.path("status").asString()).isEqualTo("UP");
			assertThat(health.path("details").path("instancesByNode").path("node-1").size()).isEqualTo(4);
			assertThat(health.path("details").path("instances").valueStream().map((i) -> i.path("ownedBy").asString()))
				.containsOnly("node-1");
			assertThat(health.path("details").path("instances").valueStream().map((i) -> i.path("state").asString()))
				.containsOnly("READY");
		});
	}

	private ConfigurableApplicationContext startNode(String name) {
		// command-line arguments, so that they win over the sample's application.yml
		ConfigurableApplicationContext node = new SpringApplication(SampleBotApplication.class).run("--server.port=0",
				"--discordoo.sharding.mode=workers", "--discordoo.sharding.heartbeat.interval=1s",
				"--discordoo.sharding.cluster.zookeeper.connect-string=" + this.zookeeper.getConnectString(),
				"--discordoo.sharding.cluster.node-name=" + name, "--discordoo.sharding.cluster.settle=2s",
				"--discordoo.sharding.cluster.session-timeout=6s",
				// node links over TLS, authenticated by the certificates alone (no secret), with
				// the test key store: one key pair for both nodes, trusted by itself
				"--discordoo.sharding.cluster.link.host=127.0.0.1", "--discordoo.sharding.cluster.link.ssl.bundle=nodes",
				"--spring.ssl.bundle.jks.nodes.keystore.location=classpath:node-links/node.p12",
				"--spring.ssl.bundle.jks.nodes.keystore.password=changeit",
				"--spring.ssl.bundle.jks.nodes.keystore.type=PKCS12",
				"--spring.ssl.bundle.jks.nodes.truststore.location=classpath:node-links/trust.p12",
				"--spring.ssl.bundle.jks.nodes.truststore.password=changeit",
				"--spring.ssl.bundle.jks.nodes.truststore.type=PKCS12");
		this.nodes.add(node);
		return node;
	}

	private JsonNode instanceOn(String nodeUrl, int index) throws Exception {
		return get(nodeUrl + "/actuator/sharding").path("instances").valueStream()
			.filter((instance) -> instance.path("index").asInt() == index)
			.findFirst()
			.orElseThrow(() -> new AssertionError("instance " + index + " is not on " + nodeUrl));
	}

	private static String baseUrl(ConfigurableApplicationContext node) {
		return "http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
	}

	private JsonNode post(String url) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		return this.json.readTree(response.body());
	}

	private JsonNode get(String url) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		return this.json.readTree(response.body());
	}

}
