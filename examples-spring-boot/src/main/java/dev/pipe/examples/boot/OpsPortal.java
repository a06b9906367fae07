package dev.pipe.examples.boot;

import dev.pipe.core.PipeConfig;
import dev.pipe.servlet.PipeServlet;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An ops portal on Spring Boot (its default container, Tomcat) with pipes beside its own endpoints: {@code /status}
 * is the portal's controller, {@code /ops/pipe/...} the pipes.
 */
@SpringBootApplication
@RestController
public class OpsPortal {

    public static void main(String[] args) {
        SpringApplication.run(OpsPortal.class, args);
    }

    /** The portal's own endpoint. */
    @GetMapping("/status")
    public String status() {
        return "ok\n";
    }

    /** The pipes: an asynchronous servlet, mounted under a prefix of the portal's. */
    @Bean
    public ServletRegistrationBean<PipeServlet> pipes() {
        PipeServlet servlet = new PipeServlet(PipeConfig.defaults().withJoinTimeout(Duration.ofMinutes(2)));
        ServletRegistrationBean<PipeServlet> registration = new ServletRegistrationBean<>(servlet, "/ops/pipe/*");
        registration.setAsyncSupported(true);
        return registration;
    }
}
