"""Register of GP positions (hjemler), lists, offices, physicians, agreements and institutions."""
