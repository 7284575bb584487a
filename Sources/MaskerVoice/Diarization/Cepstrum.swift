import Foundation

/// Mel-frequency cepstral coefficients of 16 kHz audio: 25 ms frames every 10 ms, a Hamming
/// window, a 512-point FFT, 26 triangular mel bands from 100 Hz to 7.6 kHz, a DCT of their log
/// energies kept to 13 coefficients. Hand-written (with the FFT below): no listed package does
/// signal processing, and speaker clustering needs only this much.
enum Cepstrum {
    static let frame = 400, hop = 160, size = 512, bands = 26, coefficients = 13

    /// One row of coefficients per frame of `samples`.
    static func mfcc(_ samples: ArraySlice<Int16>) -> [[Double]] {
        guard samples.count >= frame else { return [] }
        var rows: [[Double]] = []
        var start = samples.startIndex
        while start + frame <= samples.endIndex {
            var real = [Double](repeating: 0, count: size), imaginary = [Double](repeating: 0, count: size)
            for index in 0..<frame {
                real[index] = Double(samples[start + index]) / 32768 * window[index]
            }
            FFT.transform(&real, &imaginary)
            let power = (0...(size / 2)).map { real[$0] * real[$0] + imaginary[$0] * imaginary[$0] }
            let energies = filters.map { filter in log(max(filter.reduce(0) { $0 + $1.weight * power[$1.bin] }, 1e-10)) }
            rows.append((0..<coefficients).map { k in
                energies.enumerated().reduce(0) { $0 + $1.element * cos(Double.pi * Double(k) * (Double($1.offset) + 0.5) / Double(bands)) }
            })
            start += hop
        }
        return rows
    }

    static let window: [Double] = (0..<frame).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / Double(frame - 1)) }

    /// Each band's FFT bins and weights.
    static let filters: [[(bin: Int, weight: Double)]] = {
        func mel(_ hertz: Double) -> Double { 2595 * log10(1 + hertz / 700) }
        func hertz(_ mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }
        let low = mel(100), high = mel(7600)
        let edges = (0...(bands + 1)).map { hertz(low + (high - low) * Double($0) / Double(bands + 1)) / 16_000 * Double(size) }
        return (1...bands).map { band in
            (0...(size / 2)).compactMap { bin -> (bin: Int, weight: Double)? in
                let position = Double(bin)
                if position > edges[band - 1] && position <= edges[band] {
                    return (bin, (position - edges[band - 1]) / (edges[band] - edges[band - 1]))
                }
                if position > edges[band] && position < edges[band + 1] {
                    return (bin, (edges[band + 1] - position) / (edges[band + 1] - edges[band]))
                }
                return nil
            }
        }
    }()
}

/// An in-place radix-2 FFT (the length a power of two).
enum FFT {
    static func transform(_ real: inout [Double], _ imaginary: inout [Double]) {
        let count = real.count
        var j = 0
        for i in 1..<count {
            var bit = count >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { real.swapAt(i, j); imaginary.swapAt(i, j) }
        }
        var length = 2
        while length <= count {
            let angle = -2 * Double.pi / Double(length)
            for start in stride(from: 0, to: count, by: length) {
                for k in 0..<(length / 2) {
                    let wr = cos(angle * Double(k)), wi = sin(angle * Double(k))
                    let a = start + k, b = a + length / 2
                    let tr = real[b] * wr - imaginary[b] * wi, ti = real[b] * wi + imaginary[b] * wr
                    real[b] = real[a] - tr; imaginary[b] = imaginary[a] - ti
                    real[a] += tr; imaginary[a] += ti
                }
            }
            length <<= 1
        }
    }
}
