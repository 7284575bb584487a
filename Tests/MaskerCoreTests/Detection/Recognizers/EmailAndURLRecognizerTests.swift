import Testing

struct EmailRecognizerTests {
    @Test(arguments: [
        ("write to sarah.chen@gmail.com today", "EMAIL:sarah.chen@gmail.com"),
        ("j_doe+clinic@mail.example.org.", "EMAIL:j_doe+clinic@mail.example.org"),
        ("sarah dot chen at gmail dot com", "EMAIL:sarah dot chen at gmail dot com"),
        ("it's s m i t h at yahoo dot com", "EMAIL:s m i t h at yahoo dot com"),
        ("email me at jdoe at outlook dot com", "EMAIL:jdoe at outlook dot com"),
        ("mail robertcohen two at yahoo dot com", "EMAIL:robertcohen two at yahoo dot com"),
        ("write to josé@bücher.de", "EMAIL:josé@bücher.de"),
        ("or xn--bcher-kva.example@xn--mnchen-3ya.de today", "EMAIL:xn--bcher-kva.example@xn--mnchen-3ya.de"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: ["look at example dot com", "meet me at noon", "user@localhost", "a @ b"])
    func ignores(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("EMAIL:") }, "\(found(text))")
    }
}

struct URLRecognizerTests {
    @Test(arguments: [
        ("see https://portal.example.com/patients/123?x=1.", "URL:https://portal.example.com/patients/123?x=1"),
        ("www.mychart.org", "URL:www.mychart.org"),
        ("go to example dot com slash portal", "URL:example dot com slash portal"),
        ("portal.example.com/login", "URL:portal.example.com/login"),
        ("https://www.CareerCue.tn/", "URL:https://www.CareerCue.tn/"),
        // A scheme and no dot at all: the recognizer's quick skip must look for ':' as well as '.'.
        ("see http://localhost:8080/portal now", "URL:http://localhost:8080/portal"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: ["Dr.Smith said e.g. report.pdf", "vitamin b.12", "sarah.chen@gmail.com", "EMERG.MIN/USD"])
    func ignores(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("URL:") }, "\(found(text))")
    }
}

struct IPAddressRecognizerTests {
    @Test(arguments: [
        ("from 192.168.1.20 today", "IP_ADDRESS:192.168.1.20"),
        ("host 2001:db8::8a2e:370:7334.", "IP_ADDRESS:2001:db8::8a2e:370:7334"),
        ("::1", "IP_ADDRESS:::1"),
        ("address one nine two dot one six eight dot one dot twenty", "IP_ADDRESS:one nine two dot one six eight dot one dot twenty"),
        ("server fe80::1ff:fe23:4567:890a%eth2 was down", "IP_ADDRESS:fe80::1ff:fe23:4567:890a%eth2"),
        ("subnet 2001:db8::/32 routed", "IP_ADDRESS:2001:db8::/32"),
        ("block 10.0.0.0/8 here", "IP_ADDRESS:10.0.0.0/8"),
        ("and IP10.20.30.40 was logged", "IP_ADDRESS:10.20.30.40"),
    ])
    func finds(_ text: String, _ expected: String) {
        #expect(found(text).contains(expected), "\(found(text))")
    }

    @Test(arguments: ["version 1.2.3.4.5", "999.1.1.1", "at 10:30:45", "ratio 12:30"])
    func ignores(_ text: String) {
        #expect(!found(text).contains { $0.hasPrefix("IP_ADDRESS:") }, "\(found(text))")
    }
}
