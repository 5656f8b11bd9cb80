package dev.discordoo.sharding.cluster;

import java.util.List;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.jks.JksSslStoreBundle;
import org.springframework.boot.ssl.jks.JksSslStoreDetails;

import dev.discordoo.sharding.ipc.IpcTls;

/**
 * Key and trust stores for node-link TLS in tests, in {@code node-links-tls/} on the test
 * class path (password {@value #PASSWORD}, valid for a hundred years), read as Spring Boot
 * reads an SSL bundle's. Each key store holds an EC key and a self-signed certificate, made
 * with the JDK's keytool:
 * <pre>
 * keytool -genkeypair -alias NAME -keyalg EC -groupname secp256r1 -dname CN=NAME -ext SAN=SANS \
 *   -validity 36500 -storetype PKCS12 -keystore NAME-key.p12 -storepass changeit
 * </pre>
 * {@code node-a} and {@code node-b} (SAN {@code ip:127.0.0.1,dns:localhost}),
 * {@code node-elsewhere} (SAN {@code dns:elsewhere.invalid}) and {@code stranger} (like a and
 * b). The trust stores hold exported certificates: {@code cluster-trust.p12} those of node-a,
 * node-b and node-elsewhere; {@code stranger-trust.p12} node-b's only.
 */
final class LinkCertificates {

	static final String PASSWORD = "changeit";

	private LinkCertificates() {
	}

	/**
	 * Node-link TLS from a key store and a trust store of the test class path.
	 * @param key the key store's name, such as {@code node-a}
	 * @param trust the trust store's name, {@code cluster} or {@code stranger}
	 * @param verifyHostname whether clients check the server's certificate names its host
	 * @return the TLS settings
	 */
	static IpcTls tls(String key, String trust, boolean verifyHostname) {
		JksSslStoreDetails keyStore = new JksSslStoreDetails("PKCS12", null,
				"classpath:node-links-tls/" + key + "-key.p12", PASSWORD);
		JksSslStoreDetails trustStore = new JksSslStoreDetails("PKCS12", null,
				"classpath:node-links-tls/" + trust + "-trust.p12", PASSWORD);
		SslBundle bundle = SslBundle.of(new JksSslStoreBundle(keyStore, trustStore));
		return new IpcTls(bundle.createSslContext(), List.of(), List.of(), verifyHostname);
	}

}
