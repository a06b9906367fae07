package dev.pipe.examples;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two load balancers of deploy/, each run in the foreground from a copy of its file there with only the ports (and
 * HAProxy's admin socket) changed, and each taking an instance out and back in by the procedure docs/SCALING.md gives.
 */
enum Balancer {

    /** Debian's nginx with deploy/nginx/pipe.conf included in a minimal nginx.conf. */
    NGINX(Path.of("/usr/sbin/nginx")) {
        @Override
        List<String> start(Path dir, int port, int[] instances) throws IOException {
            writeUpstreams(dir, port, instances, -1);
            // the main context is the operator's nginx.conf, not deploy/'s file: a party holds two connections here
            // (its own and the one to its instance), so worker_connections is raised as docs/SCALING.md says
            Files.writeString(dir.resolve("nginx.conf"), """
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log;
                    events { worker_connections 4096; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;
                        include %1$s/pipe.conf;
                    }
                    """.formatted(dir.toAbsolutePath()));
            return List.of(binary.toString(), "-p", dir.toAbsolutePath().toString(), "-c",
                    dir.resolve("nginx.conf").toAbsolutePath().toString());
        }

        /** The instance's {@code server} line marked {@code down}, and a reload. */
        @Override
        void takeOut(Path dir, int port, int[] instances, int instance) throws Exception {
            writeUpstreams(dir, port, instances, instance);
            reload(dir);
        }

        /** {@code down} removed, and a reload. */
        @Override
        void putBack(Path dir, int port, int[] instances, int instance) throws Exception {
            writeUpstreams(dir, port, instances, -1);
            reload(dir);
        }

        private void writeUpstreams(Path dir, int port, int[] instances, int down) throws IOException {
            String conf = Files.readString(Path.of("../deploy/nginx/pipe.conf"))
                    .replace("127.0.0.1:8080", "127.0.0.1:" + port);
            for (int i = 0; i < instances.length; i++) {
                String server = "127.0.0.1:808" + (i + 1) + " max_fails=1 fail_timeout=10s";
                conf = conf.replace(server, server.replace("808" + (i + 1), String.valueOf(instances[i]))
                        + (i == down ? " down" : ""));
            }
            Files.writeString(dir.resolve("pipe.conf"), conf);
        }

        private void reload(Path dir) throws Exception {
            Process reload = new ProcessBuilder(binary.toString(), "-p", dir.toAbsolutePath().toString(), "-c",
                    dir.resolve("nginx.conf").toAbsolutePath().toString(), "-s", "reload").redirectErrorStream(true)
                    .start();
            if (!reload.waitFor(20, TimeUnit.SECONDS) || reload.exitValue() != 0) {
                throw new AssertionError("nginx -s reload: " + new String(reload.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8));
            }
        }
    },

    /** Debian's HAProxy with deploy/haproxy/haproxy.cfg, its runtime API on a socket in the test's directory. */
    HAPROXY(Path.of("/usr/sbin/haproxy")) {
        @Override
        List<String> start(Path dir, int port, int[] instances) throws IOException {
            String cfg = Files.readString(Path.of("../deploy/haproxy/haproxy.cfg"))
                    .replace("127.0.0.1:8080", "127.0.0.1:" + port)
                    .replace("/run/haproxy/admin.sock", socket(dir).toString());
            for (int i = 0; i < instances.length; i++) {
                cfg = cfg.replace("127.0.0.1:808" + (i + 1), "127.0.0.1:" + instances[i]);
            }
            Files.writeString(dir.resolve("haproxy.cfg"), cfg);
            return List.of(binary.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toAbsolutePath().toString());
        }

        /** {@code set server pipe_servers/pipeN state drain} over the runtime API. */
        @Override
        void takeOut(Path dir, int port, int[] instances, int instance) throws IOException {
            command(dir, "set server pipe_servers/pipe" + (instance + 1) + " state drain");
        }

        /** {@code set server pipe_servers/pipeN state ready}. */
        @Override
        void putBack(Path dir, int port, int[] instances, int instance) throws IOException {
            command(dir, "set server pipe_servers/pipe" + (instance + 1) + " state ready");
        }

        /** What {@code socat stdio /run/haproxy/admin.sock} does: one command, its whole answer. */
        private String command(Path dir, String command) throws IOException {
            try (SocketChannel admin = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                admin.connect(UnixDomainSocketAddress.of(socket(dir)));
                admin.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
                String answer = new String(Channels.newInputStream(admin).readAllBytes(), StandardCharsets.US_ASCII);
                if (!answer.isBlank()) {
                    throw new AssertionError(command + ": " + answer);
                }
                return answer;
            }
        }

        private Path socket(Path dir) {
            return dir.toAbsolutePath().resolve("admin.sock");
        }
    };

    final Path binary;

    Balancer(Path binary) {
        this.binary = binary;
    }

    /** Writes the configuration into {@code dir}; the command that runs the balancer in the foreground with it. */
    abstract List<String> start(Path dir, int port, int[] instances) throws IOException;

    /** The first step of a rolling restart: no new pipe goes to {@code instance}; its pipes go on. */
    abstract void takeOut(Path dir, int port, int[] instances, int instance) throws Exception;

    /** The last step: {@code instance} takes new pipes again. */
    abstract void putBack(Path dir, int port, int[] instances, int instance) throws Exception;
}
