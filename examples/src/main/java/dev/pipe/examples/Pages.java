package dev.pipe.examples;

/** The texts of the standalone server's pages, with the server's own URL in every example. */
final class Pages {

    private Pages() {
    }

    /** {@code /help}: curl recipes, in the reference's layout, for pipes under {@code pipes}. */
    static String help(String version, String pipes) {
        return """
                Help for pipe %1$s

                ======= Get  =======
                curl %2$s/mypath

                ======= Send =======
                # Send a file
                curl -T myfile %2$s/mypath

                # Send a text
                echo 'hello!' | curl -T - %2$s/mypath

                # Send a directory (tar.gz)
                tar zfcp - ./mydir | curl -T - %2$s/mypath

                ======= Replay to a team =======
                # Eight receivers, each in their own terminal (they wait for each other and the sender):
                curl "%2$s/replay?n=8"
                # The sender, at a readable 50 KB/s:
                cat incident.log | pv -L 50k | curl -T - "%2$s/replay?n=8"

                # A receiver, a sender and n must agree; the pipe waits up to the join timeout for everyone.
                """.formatted(version, pipes);
    }

    /** {@code /} and {@code /noscript}: what this server is and how to use it. */
    static String index(String pipes) {
        String escaped = escape(pipes);
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>pipe</title>
                <style>
                  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
                  pre { background: #f4f4f4; padding: .75rem; overflow-x: auto; }
                </style>
                </head>
                <body>
                <h1>pipe</h1>
                <p>One URL, one live relay. A sender streams bytes in with <code>PUT</code>; <code>n</code> receivers
                <code>GET</code> the same URL. The server waits until everyone is there, then moves the bytes through
                once, at the sender's pace, to every receiver at the same moment. Nothing is stored.</p>
                <h2>Replay this morning's incident to the team</h2>
                <p>Each of eight engineers runs:</p>
                <pre>curl "%1$s/replay?n=8"</pre>
                <p>The one who has the log runs:</p>
                <pre>cat incident.log | pv -L 50k | curl -T - "%1$s/replay?n=8"</pre>
                <h2>Send and receive a file</h2>
                <pre>curl -T myfile %1$s/mypath
                curl %1$s/mypath &gt; myfile</pre>
                <p>More recipes: <a href="/help">/help</a>.</p>
                </body>
                </html>
                """.formatted(escaped);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
