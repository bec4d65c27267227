package graphsvc;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Test-only launcher for an in-process Neo4j Community server (neo4j-harness).
 *
 * <pre>
 *   java -cp ... graphsvc.Neo4jLauncher [PORT [WORKDIR]]
 * </pre>
 *
 * PORT 0 (the default) lets the OS pick a free port. Bolt listens on 127.0.0.1 only, auth is
 * disabled, HTTP/HTTPS are disabled. Once the server is up, exactly one line
 * {@code BOLT_URI=bolt://127.0.0.1:PORT} is written to stdout. The process then blocks until
 * its stdin reaches EOF (i.e. the parent closed the pipe or died), closes the server
 * (deleting its temporary store) and exits 0.
 *
 * Neo4j's own logs go to neo4j.log/debug.log inside the harness working directory; anything
 * else that would reach stdout is redirected to stderr so stdout carries only the URI line.
 */
public final class Neo4jLauncher {

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        // Keep stdout clean: everything except the URI line goes to stderr.
        final PrintStream realOut = System.out;
        System.setOut(System.err);

        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Path workDir = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(workDir);

        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(workDir)
                .withDisabledServer() // no HTTP/HTTPS (Jetty) at all
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .withConfig(GraphDatabaseSettings.udc_enabled, false)
                // Netty's default 5 s graceful-shutdown quiet period made every stop take ~10 s.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        // -Dgraphsvc.transaction.max.mib=N: one transaction may use at most N MiB (db.memory.transaction.max),
        // so that the tests meet the server's refusal of a transaction too large without building a huge one.
        String transactionMax = System.getProperty("graphsvc.transaction.max.mib");
        if (transactionMax != null) {
            builder = builder.withConfig(
                    GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.mebiBytes(Long.parseLong(transactionMax)));
        }

        final Neo4j neo4j = builder.build();
        final AtomicBoolean closed = new AtomicBoolean(false);
        final Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    neo4j.close();
                } catch (Throwable t) {
                    System.err.println("Neo4jLauncher: error while closing: " + t);
                }
            }
        };
        // SIGTERM / SIGINT: close cleanly too.
        Runtime.getRuntime().addShutdownHook(new Thread(close, "neo4j-launcher-shutdown"));

        int boltPort = neo4j.boltURI().getPort();
        realOut.println("BOLT_URI=bolt://127.0.0.1:" + boltPort);
        realOut.flush();

        // Block until the parent closes our stdin (or dies).
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) != -1) {
                // ignore input
            }
        } catch (IOException e) {
            // treat as EOF
        }

        close.run();
        System.err.println("Neo4jLauncher: stopped");
        System.exit(0);
    }
}
