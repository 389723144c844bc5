use super::*;

#[test]
fn loopback_is_one_rule() {
    // (host as written in a URL, whether it is this device)
    let table = [
        ("localhost", true),
        ("LOCALHOST", true),
        ("LocalHost", true),
        ("127.0.0.1", true),
        ("127.0.0.2", true),
        ("127.255.255.254", true),
        ("::1", true),
        ("[::1]", true),
        ("[0:0:0:0:0:0:0:1]", true),
        ("128.0.0.1", false),
        ("126.255.255.255", false),
        ("0.0.0.0", false),
        ("10.0.0.1", false),
        ("[::2]", false),
        ("::ffff:127.0.0.1", false),
        ("localhost.example.org", false),
        ("127.0.0.1.example.org", false),
        ("mylocalhost", false),
        ("[::1", false),
        ("", false),
    ];
    for (host, want) in table {
        assert_eq!(is_loopback_host(host), want, "{host}");
    }
    // through a parsed link too (the url crate lower-cases names and writes IPv6 in brackets)
    for (link, want) in [
        ("http://LOCALHOST:8042/x", true),
        ("http://127.0.0.2/x", true),
        ("http://[::1]:9/x", true),
        ("https://example.org/x", false),
    ] {
        assert_eq!(is_loopback(&Url::parse(link).unwrap()), want, "{link}");
    }
}

#[test]
fn links_are_checked() {
    assert!(check("https://pacs.example.org/dicom-web/studies/1.2.3").is_ok());
    assert!(check("http://127.0.0.1:8042/x").is_ok());
    assert!(check("http://127.0.0.2:8042/x").is_ok());
    assert!(check("http://[::1]:8042/x").is_ok());
    assert!(check("http://localhost/x").is_ok());
    assert!(check("http://LOCALHOST/x").is_ok());
    for bad in [
        "http://pacs.example.org/studies/1",
        "http://127.0.0.1.example.org/x",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "not a link",
    ] {
        assert!(matches!(check(bad), Err(Error::Network(_))), "{bad}");
    }
}

#[test]
fn the_tls_client_builds() {
    client(false, Redirects::Follow).unwrap();
    client(true, Redirects::Refuse).unwrap();
}

#[test]
fn no_client_is_made_before_the_platform_verifier_is_ready() {
    // Android before the app's initialisation: refused for every link, and the verifier (which
    // would panic there) is never asked
    for local in [false, true] {
        let asked = std::cell::Cell::new(false);
        let got = tls_config(
            local,
            false,
            || {
                asked.set(true);
                Some("platform")
            },
            || "no roots",
        );
        assert_eq!(got, Err(TlsRefused::NotInitialised));
        assert!(!asked.get());
    }
    assert!(TlsRefused::NotInitialised
        .to_string()
        .contains("not set up"));
}

#[test]
fn without_a_trust_store_only_a_link_to_this_device_gets_a_client() {
    assert_eq!(
        tls_config(false, true, || Some("platform"), || "no roots"),
        Ok("platform")
    );
    assert_eq!(
        tls_config(true, true, || Some("platform"), || "no roots"),
        Ok("platform")
    );
    // no system certificates: a local relay over http still works, anything else is refused
    // rather than given a client that trusts nothing and fails later with a misleading message
    assert_eq!(
        tls_config(true, true, || None::<&str>, || "no roots"),
        Ok("no roots")
    );
    assert_eq!(
        tls_config(false, true, || None::<&str>, || "no roots"),
        Err(TlsRefused::NoTrustStore)
    );
}

#[test]
fn internal_addresses_are_told_apart_from_public_ones() {
    for ip in [
        "127.0.0.1",
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:192.168.0.1",
    ] {
        assert!(is_internal(ip.parse().unwrap()), "{ip}");
    }
    for ip in ["93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700::1111"] {
        assert!(!is_internal(ip.parse().unwrap()), "{ip}");
    }
}

#[test]
fn redirects_to_this_device_or_a_private_network_only_from_one() {
    let u = |s: &str| Url::parse(s).unwrap();
    // a provider's https link may not send the phone to its own network
    for to in [
        "https://127.0.0.1/x",
        "http://127.0.0.1/x",
        "https://LOCALHOST/x",
        "https://192.168.1.10/studies/1",
        "https://[::1]/x",
        "https://169.254.169.254/latest/meta-data",
    ] {
        assert!(redirect_allowed(false, &u(to)).is_err(), "{to}");
    }
    assert!(redirect_allowed(false, &u("https://pacs.example.org/x")).is_ok());
    assert!(redirect_allowed(false, &u("http://pacs.example.org/x")).is_err());
    // a link to this device (a local tool, the tests) may stay on it
    assert!(redirect_allowed(true, &u("http://127.0.0.1:9/x")).is_ok());
    assert!(redirect_allowed(true, &u("http://192.168.1.10/x")).is_err());
}

#[test]
fn a_name_of_this_device_is_not_resolved_for_a_provider_link() {
    use reqwest::dns::Resolve;
    let name: reqwest::dns::Name = "localhost".parse().unwrap();
    // the resolver's future never waits on I/O readiness (its look-up blocks): one poll ends it
    let mut f = PublicOnly.resolve(name);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(r) => assert!(r.is_err(), "localhost resolved for a provider link"),
        std::task::Poll::Pending => panic!("the look-up did not finish in one poll"),
    }
}
