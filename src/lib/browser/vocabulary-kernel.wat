;; The decoder's vocabulary projection for the page (vocabulary-kernel.ts): one row of logits per
;; hidden state, from the uint8 table, exact in integers as onnxruntime's MatMulInteger is.
;;
;;   out[i, v] = f32(sum_k table[v, k] * x[i, k] - bias[i]) * scale
;;
;; table: uint8 [rows, width], row-major (the embedding: one vocabulary entry a row).
;; x:     int16 [count, width], the quantised hidden states less their zero point (-255..255).
;; bias:  int32 [count], the table's zero point times the sum of each x row.
;; out:   f32 [count, rows].
;; width is a multiple of 16 and rows at least 4 (the caller checks). Four vocabulary rows are
;; read together, each x chunk once for the four; the last block starts at rows - 4, so that it
;; recomputes (the same values) rather than reading past the table. A u8 widened to i16 times an
;; i16 below 256 in magnitude, summed in pairs by dot_i16x8_s, cannot overflow i32 for any width
;; Whisper has.
(module
  (memory (export "memory") 1 65536)
  (func (export "project")
    (param $table i32) (param $rows i32) (param $width i32)
    (param $x i32) (param $count i32) (param $bias i32)
    (param $out i32) (param $scale f32)
    (local $v i32) (local $i i32) (local $k i32)
    (local $row0 i32) (local $row1 i32) (local $row2 i32) (local $row3 i32) (local $xRow i32)
    (local $sum0 v128) (local $sum1 v128) (local $sum2 v128) (local $sum3 v128)
    (local $xLow v128) (local $xHigh v128) (local $w v128) (local $pair0 v128) (local $pair1 v128)
    (block $rowsDone (loop $rowBlocks
      (br_if $rowsDone (i32.ge_u (local.get $v) (local.get $rows)))
      ;; The last block overlaps the one before it rather than running past the table.
      (if (i32.gt_u (i32.add (local.get $v) (i32.const 4)) (local.get $rows))
        (then (local.set $v (i32.sub (local.get $rows) (i32.const 4)))))
      (local.set $row0 (i32.add (local.get $table) (i32.mul (local.get $v) (local.get $width))))
      (local.set $row1 (i32.add (local.get $row0) (local.get $width)))
      (local.set $row2 (i32.add (local.get $row1) (local.get $width)))
      (local.set $row3 (i32.add (local.get $row2) (local.get $width)))
      (local.set $i (i32.const 0))
      (block $statesDone (loop $states
        (br_if $statesDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $xRow (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $width)) (i32.const 1))))
        (local.set $sum0 (v128.const i32x4 0 0 0 0))
        (local.set $sum1 (v128.const i32x4 0 0 0 0))
        (local.set $sum2 (v128.const i32x4 0 0 0 0))
        (local.set $sum3 (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $chunksDone (loop $chunks
          (br_if $chunksDone (i32.ge_u (local.get $k) (local.get $width)))
          ;; 16 values of x (two i16x8), against 16 of each table row (one u8x16, widened in halves).
          (local.set $xLow (v128.load (i32.add (local.get $xRow) (i32.shl (local.get $k) (i32.const 1)))))
          (local.set $xHigh (v128.load offset=16 (i32.add (local.get $xRow) (i32.shl (local.get $k) (i32.const 1)))))
          (local.set $w (v128.load (i32.add (local.get $row0) (local.get $k))))
          (local.set $sum0 (i32x4.add (local.get $sum0) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $w)) (local.get $xLow))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $w)) (local.get $xHigh)))))
          (local.set $w (v128.load (i32.add (local.get $row1) (local.get $k))))
          (local.set $sum1 (i32x4.add (local.get $sum1) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $w)) (local.get $xLow))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $w)) (local.get $xHigh)))))
          (local.set $w (v128.load (i32.add (local.get $row2) (local.get $k))))
          (local.set $sum2 (i32x4.add (local.get $sum2) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $w)) (local.get $xLow))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $w)) (local.get $xHigh)))))
          (local.set $w (v128.load (i32.add (local.get $row3) (local.get $k))))
          (local.set $sum3 (i32x4.add (local.get $sum3) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $w)) (local.get $xLow))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $w)) (local.get $xHigh)))))
          (local.set $k (i32.add (local.get $k) (i32.const 16)))
          (br $chunks)))
        ;; Each row's four lanes summed, into one vector [row0, row1, row2, row3].
        (local.set $pair0 (i32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $sum0) (local.get $sum1))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $sum0) (local.get $sum1))))
        (local.set $pair1 (i32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $sum2) (local.get $sum3))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $sum2) (local.get $sum3))))
        (local.set $pair0 (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $pair0) (local.get $pair1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $pair0) (local.get $pair1))))
        (local.set $pair0 (i32x4.sub (local.get $pair0)
          (i32x4.splat (i32.load (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 2)))))))
        ;; As onnxruntime's Cast to float then Mul: round the integer to f32, then one f32 product.
        (v128.store
          (i32.add (local.get $out)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $rows)) (local.get $v)) (i32.const 2)))
          (f32x4.mul (f32x4.convert_i32x4_s (local.get $pair0)) (f32x4.splat (local.get $scale))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $states)))
      (local.set $v (i32.add (local.get $v) (i32.const 4)))
      (br $rowBlocks)))))
