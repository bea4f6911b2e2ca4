"""processes/timekeeping"""
