"""processes/submission"""
