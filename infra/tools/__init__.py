"""Adapters to the external tools, one module each, and the only modules that call them:

- `tesseract`: OCR words and orientation (pytesseract);
- `poppler`: a page's text layer (pdftotext) and page rendering (pdftoppm through pdf2image);
- `pdf`: opening and inspecting PDFs (pikepdf, i.e. libqpdf);
- `rapidocr`: the second OCR reader (RapidOCR on onnxruntime, bundled models only), in accurate mode;
- `ocr_settings`: INTAKE_OCR_MODE, fast or accurate;
- `check`: `check_tools()`, run once at start, says what is missing and how to install it.
"""
